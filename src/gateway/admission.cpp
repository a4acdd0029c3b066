#include "gateway/admission.hpp"

namespace gh::gateway {

bool admission::enter(std::string_view address) {
  std::lock_guard lock(mu_);
  auto& n = sessions_[std::string(address)];
  if (n >= limits_.per_address) return false;
  ++n;
  return true;
}

void admission::leave(std::string_view address) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(std::string(address));
  if (it == sessions_.end()) return;
  if (--it->second == 0) sessions_.erase(it);
}

std::uint32_t admission::blocked(window& w, std::uint32_t limit, clock::time_point now) const {
  if (now - w.start >= limits_.window) return 0;
  if (w.failures < limit) return 0;
  auto left = std::chrono::duration_cast<std::chrono::seconds>(limits_.window - (now - w.start)).count();
  return static_cast<std::uint32_t>(left < 1 ? 1 : left);
}

void admission::count(window& w, clock::time_point now) const {
  if (now - w.start >= limits_.window) {
    w.start = now;
    w.failures = 0;
  }
  ++w.failures;
}

std::uint32_t admission::login_blocked_for(std::string_view address, std::string_view user, clock::time_point now) {
  std::lock_guard lock(mu_);
  std::uint32_t wait = 0;
  if (auto it = by_address_.find(std::string(address)); it != by_address_.end())
    wait = blocked(it->second, limits_.failed_per_address, now);
  if (auto it = by_user_.find(std::string(user)); it != by_user_.end())
    wait = std::max(wait, blocked(it->second, limits_.failed_per_principal, now));
  return wait;
}

void admission::login_failed(std::string_view address, std::string_view user, clock::time_point now) {
  std::lock_guard lock(mu_);
  // Bounded memory under a flood of made-up names: old windows are dropped.
  if (by_user_.size() > 100000 || by_address_.size() > 100000) {
    std::erase_if(by_user_, [&](const auto& kv) { return now - kv.second.start >= limits_.window; });
    std::erase_if(by_address_, [&](const auto& kv) { return now - kv.second.start >= limits_.window; });
  }
  count(by_address_[std::string(address)], now);
  count(by_user_[std::string(user)], now);
}

}  // namespace gh::gateway
