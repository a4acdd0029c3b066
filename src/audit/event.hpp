// One audit event: a statement (allowed, held or refused), its outcome, or a
// session/review/grant change. Pure value; serialisation and chaining live
// beside it, the writer in store/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace gh::audit {

enum class event_kind : std::uint8_t {
  statement = 1,   // written before the statement is forwarded (or refused)
  outcome = 2,     // what became of a statement: duration, rows, error
  session = 3,     // session opened / closed / refused at startup
  review = 4,      // review opened / approved / rejected / expired / cancelled
  grant = 5,       // grant requested / added / revoked / expired
  journal = 6,     // the ingester's own note: a damaged journal it could not read whole
};

// sys_time counts nanoseconds in 64 bits (about 1678 to 2262): a stored or
// decoded microsecond count outside this bound would overflow on conversion,
// so readers check it first (a record or row holding one is not an event).
inline constexpr std::int64_t time_us_limit = INT64_MAX / 1000;
constexpr bool representable_time_us(std::int64_t us) noexcept {
  return us >= -time_us_limit && us <= time_us_limit;
}

// "statement", "outcome", ... as stored and printed.
constexpr std::string_view to_string(event_kind k) noexcept {
  switch (k) {
    case event_kind::statement: return "statement";
    case event_kind::outcome: return "outcome";
    case event_kind::session: return "session";
    case event_kind::review: return "review";
    case event_kind::grant: return "grant";
    case event_kind::journal: return "journal";
  }
  return "unknown";
}

struct event {
  event_kind kind = event_kind::statement;
  sys_time time{};
  std::string principal;
  std::string session;         // session id, e.g. "s-1f3a..."
  std::string client;          // client address "ip:port"
  std::string connection;
  std::string statement;       // SQL text (statement), or what happened (others)
  // 0 when `statement` is whole; else the text's full length in bytes, of
  // which `statement` keeps only the first part (cut at the configured limit).
  std::uint64_t statement_length = 0;
  std::string cls;             // read / write / ddl / admin / unknown
  std::vector<std::string> tables;
  std::string decision;        // allow / review / deny; for outcomes: ok / error
  std::string rule;
  std::string reviewer;
  std::string ref;             // the statement id an outcome completes; review/grant id
  std::int64_t duration_us = -1;
  std::int64_t rows = -1;
  std::string error;           // SQLSTATE and message, when there was one
  std::string statement_id;    // this statement's own id within the session ("<session>/<n>")

  bool operator==(const event&) const = default;
};

}  // namespace gh::audit
