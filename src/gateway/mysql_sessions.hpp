// The MySQL sessions by the connection id the gateway gave their clients, so
// that `KILL [QUERY|CONNECTION] id` — what the mariadb and mysql clients send
// on Ctrl-C, from a second connection — reaches the statement of that
// session, and only for the principal that owns it. Shared by every io
// thread; touched at session start and end and on KILL, never per statement.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/random.hpp"

namespace gh::gateway {

struct mysql_session_entry {
  std::string principal;
  // The gateway connection (so the server and the database user): a KILL
  // runs on the caller's own upstream, where another connection's thread id
  // would name somebody else's thread.
  std::string connection;
  std::string session;                 // the gateway's session id, for the log and the audit
  std::uint32_t upstream_thread = 0;   // the server's id of the session's upstream connection
  // Tells the session a KILL QUERY arrived (it may be holding a statement
  // for review, which no server-side KILL reaches). Callable from any thread.
  std::function<void()> interrupt;
};

class mysql_sessions {
 public:
  // A fresh connection id (31 bits, odd, as clients print it), unique among
  // those issued and not released.
  std::uint32_t issue(const random_source& rng);
  // The session behind `id` is running: what a KILL needs.
  void attach(std::uint32_t id, mysql_session_entry entry);
  void release(std::uint32_t id);
  // Only an attached session.
  std::optional<mysql_session_entry> find(std::uint32_t id) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::uint32_t, std::optional<mysql_session_entry>> by_id_;
};

// `KILL [HARD|SOFT] [QUERY|CONNECTION] <id>`, nothing else (comments, KILL
// USER, KILL QUERY ID go to the classifier, which calls KILL admin).
struct mysql_kill {
  bool query = false;  // QUERY: the statement only; otherwise the connection
  std::uint32_t id = 0;
};
std::optional<mysql_kill> parse_mysql_kill(std::string_view sql);

}  // namespace gh::gateway
