// Who may start a session right now: connections per client address, and a
// throttle on failed logins per address and per claimed user name, so that a
// token cannot be guessed at line rate and one address cannot take every
// slot. Thread-safe; touched at session start and end only. Pure apart from
// its mutex: `now` is a parameter.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gh::gateway {

struct admission_limits {
  std::uint32_t per_address = 200;
  std::uint32_t failed_per_address = 20;    // per window
  std::uint32_t failed_per_principal = 10;  // per window
  std::chrono::seconds window{60};
};

class admission {
 public:
  using clock = std::chrono::steady_clock;
  explicit admission(admission_limits limits) : limits_(limits) {}

  // A session from `address` starts; false when that address has its share.
  bool enter(std::string_view address);
  void leave(std::string_view address);

  // Whether a login may be tried now; when not, the seconds left to wait.
  std::uint32_t login_blocked_for(std::string_view address, std::string_view user, clock::time_point now);
  void login_failed(std::string_view address, std::string_view user, clock::time_point now);

 private:
  struct window {
    clock::time_point start{};
    std::uint32_t failures = 0;
  };
  std::uint32_t blocked(window& w, std::uint32_t limit, clock::time_point now) const;
  void count(window& w, clock::time_point now) const;

  admission_limits limits_;
  std::mutex mu_;
  std::unordered_map<std::string, std::uint32_t> sessions_;
  std::unordered_map<std::string, window> by_address_;
  std::unordered_map<std::string, window> by_user_;
};

}  // namespace gh::gateway
