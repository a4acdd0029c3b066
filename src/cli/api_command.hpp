// What `gatehouse review` and `gatehouse grant` share: their options, one
// call to the gateway's HTTP API with the error handling and exit codes of
// commands.hpp (0 done, 1 refused or failed, 2 usage), and terminal-safe
// table cells.
#pragma once

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "common/expected.hpp"
#include "http/api_client.hpp"

namespace gh::cli {

struct api_options {
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> values;  // --name VALUE or --name=VALUE
  std::set<std::string, std::less<>> flags;                // --json ...
  std::optional<std::string> value(std::string_view name) const;
  bool flag(std::string_view name) const { return flags.contains(name); }
};

// `--server` is always accepted. The error names the option at fault.
expected<api_options, std::string> parse_api_options(
    args a, std::initializer_list<std::string_view> with_value,
    std::initializer_list<std::string_view> flags);

// One call. On success the body; else prints why to stderr (prefixed with
// `command`) and returns the exit code: 2 when the client is not set up
// (no server, no token), 1 for everything else.
struct api_result {
  int exit_code = 0;
  boost::json::value body;
};
api_result call_api(std::string_view command, const api_options& o, http::verb method,
                    std::string_view path, const boost::json::object* body = nullptr);

// A JSON member as text for a table or a line: strings as they are, null as
// "-", numbers and booleans written out.
std::string field(const boost::json::value& v, std::string_view key);
// One line of a table cell: whitespace runs become one space, control
// characters '?', at most `width` characters (then "…"), so that text from
// the server cannot move the cursor or recolour the terminal.
std::string cell(std::string_view raw, std::size_t width);
void print_json(const boost::json::value& v);
// Percent-encodes a path segment or query value.
std::string url_escape(std::string_view s);

}  // namespace gh::cli
