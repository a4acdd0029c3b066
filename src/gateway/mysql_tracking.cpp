#include "gateway/mysql_tracking.hpp"

#include <algorithm>
#include <cctype>

#include "sql/mysql/classify.hpp"

namespace gh::gateway {
namespace {

namespace mysql = wire::mysql;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_on(std::string_view v) {
  const std::string s = lower(v);
  return s == "1" || s == "on" || s == "true";
}

// The names of a comma-separated list, trimmed, lower case.
std::vector<std::string> list_names(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    out.push_back(lower(item));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

bool mysql_lexable_charset(std::string_view name) noexcept {
  const std::string n = lower(name);
  return n == "utf8mb4" || n == "utf8mb3" || n == "utf8";
}

std::string mysql_tracked_names::track_list() const {
  // The tracking variables themselves are in the list: a client that turns
  // tracking off is seen doing it.
  return "sql_mode,character_set_client," + read_only + ",session_track_system_variables,session_track_schema";
}

mysql_expected_changes mysql_expected_changes::of(const sql::classification& cls) {
  mysql_expected_changes out;
  for (const auto& st : cls.statements) {
    if (st.kind == "use") out.database = true;
    for (const auto& s : st.settings) {
      if (s.name == "database") out.database = true;
      if (s.name == "sql_mode") out.sql_mode = true;
      if (s.name == "character_set_client") out.charset = true;
    }
  }
  return out;
}

bool mysql_session_state::start(std::string database, std::string sql_mode, std::string charset, bool read_only,
                                mysql_tracked_names names) {
  auto lex = sql::mysql::lex_mode_of_sql_mode(sql_mode);
  if (!lex || !mysql_lexable_charset(charset)) return false;
  database_ = std::move(database);
  sql_mode_ = std::move(sql_mode);
  charset_ = std::move(charset);
  lex_ = *lex;
  read_only_ = read_only;
  names_ = std::move(names);
  return true;
}

expected<void, std::string> mysql_session_state::on_reported(std::string_view session_state,
                                                             const mysql_expected_changes& allowed,
                                                             bool must_be_read_only) {
  auto changes = mysql::decode_session_state(session_state);
  if (!changes) return unexpected(std::string("the server sent session state changes the gateway cannot read"));
  for (const auto& c : *changes) {
    if (c.type == mysql::session_track::schema) {
      if (!allowed.database)
        return unexpected("the server reports a change of database to \"" + std::string(c.name) +
                          "\" that the gateway did not expect from the statement");
      database_.assign(c.name);
    } else if (c.type == mysql::session_track::system_variables) {
      if (auto r = on_variable(c.name, c.value, allowed, must_be_read_only); !r) return r;
    }
  }
  return {};
}

expected<void, std::string> mysql_session_state::on_variable(std::string_view name, std::string_view value,
                                                             const mysql_expected_changes& allowed,
                                                             bool must_be_read_only) {
  const std::string n = lower(name);
  if (n == "sql_mode") {
    if (value == sql_mode_) return {};
    if (!allowed.sql_mode)
      return unexpected("the server reports a change of sql_mode to \"" + std::string(value) +
                        "\" that the gateway did not expect from the statement");
    auto lex = sql::mysql::lex_mode_of_sql_mode(value);
    if (!lex)
      return unexpected("the session's sql_mode is now \"" + std::string(value) +
                        "\", under which the gateway cannot classify statements");
    sql_mode_.assign(value);
    lex_ = *lex;
  } else if (n == "character_set_client") {
    if (lower(value) == lower(charset_)) return {};
    if (!mysql_lexable_charset(value))
      return unexpected("the session's character set is now " + std::string(value) +
                        ", under which the gateway cannot classify statements");
    if (!allowed.charset)
      return unexpected("the server reports a change of character set to " + std::string(value) +
                        " that the gateway did not expect from the statement");
    charset_.assign(value);
  } else if (n == lower(names_.read_only)) {
    // Writable is fine for a principal that may write (its own SET, or the
    // gateway's when a grant starts); never for one that may not.
    const bool on = is_on(value);
    if (must_be_read_only && !on) return unexpected(std::string("the upstream session is no longer read-only"));
    read_only_ = on;
  } else if (n == "session_track_schema") {
    if (!is_on(value)) return unexpected(std::string("session_track_schema was turned off: the gateway needs it"));
  } else if (n == "session_track_system_variables") {
    const auto now = list_names(value);
    const bool all = std::find(now.begin(), now.end(), "*") != now.end();
    for (const auto& needed : list_names(names_.track_list()))
      if (!all && std::find(now.begin(), now.end(), needed) == now.end())
        return unexpected("session_track_system_variables no longer lists " + needed + ": the gateway needs it");
  }
  return {};
}

expected<void, std::string> mysql_session_state::on_status(std::uint16_t status) const {
  const bool nbe = (status & mysql::status::no_backslash_escapes) != 0;
  if (nbe != lex_.no_backslash_escapes)
    return unexpected(std::string("the server's NO_BACKSLASH_ESCAPES flag disagrees with the sql_mode the gateway "
                                  "tracks"));
  return {};
}

}  // namespace gh::gateway
