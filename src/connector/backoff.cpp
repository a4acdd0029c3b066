#include "connector/backoff.hpp"

#include <algorithm>
#include <cstdint>

namespace gh::connector {

std::chrono::milliseconds reconnect_delay(unsigned attempt, const random_source& rng) {
  // 250 ms << 5 is already past the cap: larger shifts only risk overflow.
  const std::int64_t grown = reconnect_first.count() << std::min(attempt, 5u);
  const std::int64_t base = std::min<std::int64_t>(grown, reconnect_cap.count());
  std::uint32_t r = 0;
  rng(&r, sizeof r);
  const std::int64_t half = base / 2;
  return std::chrono::milliseconds(half + static_cast<std::int64_t>(r % static_cast<std::uint32_t>(half + 1)));
}

}  // namespace gh::connector
