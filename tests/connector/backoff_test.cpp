#include <gtest/gtest.h>

#include <cstring>

#include "connector/backoff.hpp"

namespace gh::connector {
namespace {

random_source fixed(std::uint32_t value) {
  return [value](void* out, std::size_t n) {
    std::memset(out, 0, n);
    std::memcpy(out, &value, std::min(n, sizeof value));
  };
}

TEST(reconnect_delay, grows_from_a_quarter_second_to_the_cap) {
  // Lowest jitter: half the base; highest: the whole base.
  EXPECT_EQ(reconnect_delay(0, fixed(0)).count(), 125);
  EXPECT_EQ(reconnect_delay(0, fixed(125)).count(), 250);
  EXPECT_EQ(reconnect_delay(1, fixed(0)).count(), 250);
  EXPECT_EQ(reconnect_delay(2, fixed(0)).count(), 500);
  EXPECT_EQ(reconnect_delay(4, fixed(0)).count(), 2000);
  EXPECT_EQ(reconnect_delay(5, fixed(0)).count(), 2500);
  EXPECT_EQ(reconnect_delay(6, fixed(0)).count(), 2500);
}

TEST(reconnect_delay, never_exceeds_the_cap_whatever_the_attempt_or_randomness) {
  for (unsigned attempt : {0u, 1u, 5u, 6u, 31u, 32u, 64u, 1000u, 0xffffffffu})
    for (std::uint32_t r : {0u, 1u, 2500u, 2501u, 0x7fffffffu, 0xffffffffu}) {
      auto d = reconnect_delay(attempt, fixed(r));
      EXPECT_LE(d, reconnect_cap) << attempt << " " << r;
      EXPECT_GE(d.count(), 125) << attempt << " " << r;
    }
}

TEST(reconnect_delay, sums_well_under_fifteen_seconds_after_a_short_outage) {
  // A gateway down for 5 s: the connector's next try falls within one cap
  // of its return, so the worst case stays below the 15 s promised.
  std::int64_t waited = 0;
  unsigned attempt = 0;
  while (waited < 5000) waited += reconnect_delay(attempt++, fixed(0xffffffffu)).count();
  EXPECT_LE(waited, 5000 + reconnect_cap.count());
}

}  // namespace
}  // namespace gh::connector
