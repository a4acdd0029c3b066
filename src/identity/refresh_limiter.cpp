#include "identity/refresh_limiter.hpp"

namespace gh::identity {

bool refresh_limiter::allowed(sys_time now) const noexcept {
  return !last_ || now < *last_ || now - *last_ >= min_interval_;
}

bool refresh_limiter::try_acquire(sys_time now) noexcept {
  if (!allowed(now)) return false;
  last_ = now;
  return true;
}

}  // namespace gh::identity
