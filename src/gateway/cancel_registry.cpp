#include "gateway/cancel_registry.hpp"

#include "common/crypto.hpp"

namespace gh::gateway {

backend_key cancel_registry::issue(cancel_target target) {
  std::lock_guard lock(mu_);
  backend_key key;
  do {
    rng_(&key.pid, sizeof key.pid);
    key.pid &= 0x7fffffff;  // clients print it as a process id: keep it positive
  } while (key.pid == 0 || by_pid_.count(key.pid));
  rng_(&key.secret, sizeof key.secret);
  by_pid_.emplace(key.pid, std::pair{key.secret, std::move(target)});
  return key;
}

void cancel_registry::release(const backend_key& key) {
  std::lock_guard lock(mu_);
  by_pid_.erase(key.pid);
}

std::optional<cancel_target> cancel_registry::find(const backend_key& key) const {
  std::lock_guard lock(mu_);
  auto it = by_pid_.find(key.pid);
  if (it == by_pid_.end()) return std::nullopt;
  std::string_view a(reinterpret_cast<const char*>(&it->second.first), sizeof(std::int32_t));
  std::string_view b(reinterpret_cast<const char*>(&key.secret), sizeof(std::int32_t));
  if (!constant_time_equal(a, b)) return std::nullopt;
  return it->second.second;
}

std::size_t cancel_registry::size() const {
  std::lock_guard lock(mu_);
  return by_pid_.size();
}

}  // namespace gh::gateway
