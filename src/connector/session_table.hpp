// The connector's live data sessions, shared by their coroutines (on any of
// the connector's threads) and the control connection: a cancel from the
// gateway finds the database backend to cancel here, and a lost control
// connection ends them all. Thread-safe; touched at session start and end,
// on cancel and on loss only.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "gateway/cancel_registry.hpp"

namespace gh::connector {

class session_table {
 public:
  // `end` closes the session's sockets on its own executor; callable from
  // any thread.
  void add(const std::string& session_id, std::function<void()> end);
  // Once the database session is open: where a cancel must go.
  void set_backend(const std::string& session_id, std::string host, std::uint16_t port, gateway::backend_key key);
  void remove(const std::string& session_id);

  std::optional<gateway::cancel_target> cancel_target_of(const std::string& session_id) const;
  void end_all();
  std::size_t size() const;

 private:
  struct entry {
    std::function<void()> end;
    std::optional<gateway::cancel_target> backend;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, entry> sessions_;
};

}  // namespace gh::connector
