#include "connector/registry.hpp"

#include <unistd.h>

#include <algorithm>

#include "common/crypto.hpp"
#include "common/encoding.hpp"
#include "connector/control_link.hpp"

namespace gh::connector {

void deliver_socket(std::shared_ptr<pending_open> p, int fd, net::tcp protocol) {
  auto ex = p->executor;
  net::asio::post(ex, [p = std::move(p), fd, protocol] {
    net::tcp::socket s(p->executor);
    net::error_code ec;
    s.assign(protocol, fd, ec);
    if (ec) {
      ::close(fd);
      return;
    }
    if (p->done) return;  // the session stopped waiting: `s` closes here
    p->socket.emplace(std::move(s));
    p->wake.cancel();
  });
}

void deliver_failure(std::shared_ptr<pending_open> p, open_failure f, bool retry) {
  auto ex = p->executor;
  net::asio::post(ex, [p = std::move(p), f = std::move(f), retry]() mutable {
    if (p->done || p->socket || p->failure) return;
    p->failure = std::move(f);
    p->retry = retry;
    p->wake.cancel();
  });
}

registry::registry(std::vector<config::connector_entry> allowed) {
  for (auto& e : allowed) {
    // The config loader checked the hex; an entry that still fails to decode
    // can match nothing.
    auto digest = from_hex(e.token_sha256);
    allowed_.push_back({std::move(e.name), digest ? std::move(*digest) : std::string()});
  }
}

bool registry::admits(std::string_view name, std::string_view token) const {
  if (token.empty()) return false;
  const std::string digest = sha256(token);
  // No early exit: the time taken says nothing about which entry, if any,
  // matched, or whether the name or the token was wrong.
  bool found = false;
  for (const auto& e : allowed_) {
    const bool token_ok = constant_time_equal(digest, e.digest);
    const bool name_ok = constant_time_equal(name, e.name);
    found = found | (token_ok & name_ok);
  }
  return found;
}

void registry::add(const std::shared_ptr<control_link>& link) {
  std::lock_guard lock(mu_);
  links_.push_back(link);
}

void registry::remove(const control_link* link) {
  std::vector<std::shared_ptr<pending_open>> orphans;
  {
    std::lock_guard lock(mu_);
    std::erase_if(links_, [&](const std::weak_ptr<control_link>& w) {
      auto l = w.lock();
      return !l || l.get() == link;
    });
    for (auto& [id, weak] : pending_)
      if (auto p = weak.lock(); p && p->link.lock().get() == link) orphans.push_back(p);
  }
  for (auto& p : orphans)
    deliver_failure(p, {"08001", {}, "its connector's control connection ended before it answered"}, true);
}

std::shared_ptr<control_link> registry::pick(std::string_view name, const std::shared_ptr<pending_open>& p) {
  std::lock_guard lock(mu_);
  const std::size_t n = links_.size();
  for (std::size_t i = 0; i < n; ++i) {
    auto l = links_[(next_ + i) % n].lock();
    if (l && l->name() == name) {
      next_ = (next_ + i + 1) % n;
      p->link = l;
      pending_[p->session_id] = p;
      return l;
    }
  }
  return nullptr;
}

std::size_t registry::live(std::string_view name) const {
  std::lock_guard lock(mu_);
  std::size_t count = 0;
  for (const auto& w : links_)
    if (auto l = w.lock(); l && l->name() == name) ++count;
  return count;
}

std::vector<std::shared_ptr<control_link>> registry::links() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<control_link>> out;
  for (const auto& w : links_)
    if (auto l = w.lock()) out.push_back(std::move(l));
  return out;
}

void registry::expect(const std::shared_ptr<pending_open>& p) {
  std::lock_guard lock(mu_);
  pending_[p->session_id] = p;
}

std::shared_ptr<pending_open> registry::claim(const std::string& session_id) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(session_id);
  if (it == pending_.end()) return nullptr;
  auto p = it->second.lock();
  pending_.erase(it);
  return p;
}

void registry::forget(const std::string& session_id) {
  std::lock_guard lock(mu_);
  pending_.erase(session_id);
}

}  // namespace gh::connector
