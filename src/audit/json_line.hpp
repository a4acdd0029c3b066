// One line of `gatehouse audit search --json`: a statement (or another
// non-outcome event) joined with its outcome when one is known.
//
//   {"seq":42,"time":"2026-11-24T09:57:56.123456Z","kind":"statement",
//    "principal":"chatgpt-agent","session":"s-1f3a","client":"10.0.0.7:51234",
//    "connection":"app","statement":"select 1","class":"read","tables":[],
//    "decision":"allow","rule":"agents-read","reviewer":null,
//    "statement_id":"s-1f3a/1","outcome":"ok","duration_ms":0.412,"rows":1,
//    "error":null}
//
// "seq" is null while the event is still in a journal and not yet in the
// store; "statement_length" appears only when the text was cut. Text that is
// not valid UTF-8 has each bad byte replaced by U+FFFD, so every line is JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "audit/event.hpp"

namespace gh::audit {

struct search_row {
  std::optional<std::int64_t> seq;
  event statement;
  std::optional<event> outcome;
};

std::string to_json_line(const search_row& row);  // no trailing newline

// `s` with every byte that is not part of a valid UTF-8 sequence replaced by
// U+FFFD; the input itself when it is valid.
std::string valid_utf8(std::string_view s);

}  // namespace gh::audit
