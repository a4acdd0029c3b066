// How often a provider's JWKS may be fetched again because a token named a
// kid we do not hold. Without a limit, a flood of made-up kids would turn
// the gateway into a hammer on the identity provider. One per provider;
// not thread-safe (keep it with the provider's snapshot, on its strand).
#pragma once

#include <chrono>
#include <optional>

#include "common/clock.hpp"

namespace gh::identity {

class refresh_limiter {
 public:
  explicit refresh_limiter(std::chrono::seconds min_interval = std::chrono::seconds(30))
      : min_interval_(min_interval) {}

  // Whether a refresh may start at `now`, without taking it.
  bool allowed(sys_time now) const noexcept;

  // Takes the refresh when allowed (the first one always is) and starts the
  // interval from `now`. A clock that stepped back allows one refresh and
  // restarts from there, rather than locking refreshes out until it catches up.
  bool try_acquire(sys_time now) noexcept;

 private:
  std::chrono::seconds min_interval_;
  std::optional<sys_time> last_;
};

}  // namespace gh::identity
