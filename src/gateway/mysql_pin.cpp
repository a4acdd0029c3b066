// Pins an authenticated upstream session before the client may use it
// (mysql_upstream.hpp, pin_mysql_session).
#include "gateway/mysql_upstream.hpp"

namespace gh::gateway {
namespace {

constexpr std::uint16_t er_unknown_system_variable = 1193;

mysql_upstream_failure not_pinned(std::string_view conn, std::string detail) {
  return {1105, "HY000",
          "gatehouse: the session on the database behind connection \"" + std::string(conn) +
              "\" could not be set up safely",
          std::move(detail)};
}

std::string value_of(const std::optional<std::string>& v) { return v ? *v : std::string(); }

}  // namespace

net::awaitable<expected<void, mysql_upstream_failure>> pin_mysql_session(mysql_upstream& up, io_buffer& buf,
                                                                        const mysql_upstream_settings& s,
                                                                        std::string_view conn) {
  mysql_stream& st = *up.stream;
  // Tracking first, so that everything after it is reported. The read-only
  // flag is tx_read_only on MariaDB (transaction_read_only only from 11.1),
  // transaction_read_only on MySQL 8; MariaDB refuses a name it lacks.
  mysql_tracked_names names;
  for (int attempt = 0;; ++attempt) {
    auto r = co_await run_mysql_query(st, buf, up.caps,
                                      "SET SESSION session_track_schema = ON, SESSION "
                                      "session_track_system_variables = '" + names.track_list() + "'");
    if (!r) co_return unexpected(not_pinned(conn, r.error()));
    if (r->ok) break;
    if (r->error_code == er_unknown_system_variable && attempt == 0) {
      names.read_only = "transaction_read_only";
      continue;
    }
    co_return unexpected(not_pinned(conn, "turning session tracking on failed: " + r->error));
  }
  // The second wall (DESIGN.md decision 6): the database refuses writes even
  // if the classifier were wrong.
  if (s.read_only) {
    auto r = co_await run_mysql_query(st, buf, up.caps, "SET SESSION TRANSACTION READ ONLY");
    if (!r) co_return unexpected(not_pinned(conn, r.error()));
    if (!r->ok) co_return unexpected(not_pinned(conn, "SET SESSION TRANSACTION READ ONLY failed: " + r->error));
  }
  const std::string probe = "SELECT @@SESSION.sql_mode, DATABASE(), @@SESSION.character_set_client, @@SESSION." +
                            names.read_only;
  for (int attempt = 0;; ++attempt) {
    auto r = co_await run_mysql_query(st, buf, up.caps, probe);
    if (!r) co_return unexpected(not_pinned(conn, r.error()));
    if (!r->ok || r->rows.size() != 1 || r->rows[0].size() != 4)
      co_return unexpected(not_pinned(conn, "reading the session's settings failed: " + r->error));
    const auto& row = r->rows[0];
    const std::string charset = value_of(row[2]);
    if (!mysql_lexable_charset(charset) && attempt == 0) {
      // The server ignored the handshake's character set
      // (skip-character-set-client-handshake): set it.
      auto n = co_await run_mysql_query(st, buf, up.caps, "SET NAMES utf8mb4");
      if (!n || !n->ok) co_return unexpected(not_pinned(conn, "SET NAMES utf8mb4 failed"));
      continue;
    }
    const bool read_only = value_of(row[3]) == "1";
    if (s.read_only && !read_only) co_return unexpected(not_pinned(conn, "the session did not become read-only"));
    if (!up.state.start(value_of(row[1]), value_of(row[0]), charset, read_only, names))
      co_return unexpected(not_pinned(conn, "the session's sql_mode \"" + value_of(row[0]) + "\" or character set " +
                                                charset + " is one the gateway cannot classify statements under"));
    up.status = r->status;
    co_return expected<void, mysql_upstream_failure>{};
  }
}

}  // namespace gh::gateway
