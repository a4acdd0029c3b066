#include "connector/session_table.hpp"

#include <vector>

namespace gh::connector {

void session_table::add(const std::string& session_id, std::function<void()> end) {
  std::lock_guard lock(mu_);
  sessions_[session_id] = entry{std::move(end), std::nullopt};
}

void session_table::set_backend(const std::string& session_id, std::string host, std::uint16_t port,
                                gateway::backend_key key) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  gateway::cancel_target t;
  t.host = std::move(host);
  t.port = port;
  t.upstream = key;
  it->second.backend = std::move(t);
}

void session_table::remove(const std::string& session_id) {
  std::lock_guard lock(mu_);
  sessions_.erase(session_id);
}

std::optional<gateway::cancel_target> session_table::cancel_target_of(const std::string& session_id) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second.backend;
}

void session_table::end_all() {
  std::vector<std::function<void()>> ends;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, e] : sessions_) ends.push_back(e.end);
  }
  for (auto& end : ends) end();
}

std::size_t session_table::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace gh::connector
