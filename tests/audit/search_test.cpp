#include "audit/search.hpp"

#include <gtest/gtest.h>

#include "sample_events.hpp"

namespace gh::audit {
namespace {

using namespace std::chrono;

sys_time utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days(year_month_day{year(y), month(mo), day(d)}) + hours(h) + minutes(mi) + seconds(s);
}

TEST(search, parses_rfc3339_times) {
  sys_time now = utc(2030, 1, 1);
  EXPECT_EQ(parse_time_arg("2026-11-24T09:57:56Z", now), utc(2026, 11, 24, 9, 57, 56));
  EXPECT_EQ(parse_time_arg("2026-11-24t09:57:56z", now), utc(2026, 11, 24, 9, 57, 56));
  EXPECT_EQ(parse_time_arg("2026-11-24 09:57:56Z", now), utc(2026, 11, 24, 9, 57, 56));
  EXPECT_EQ(parse_time_arg("2026-11-24T09:57:56.5Z", now),
            utc(2026, 11, 24, 9, 57, 56) + milliseconds(500));
  EXPECT_EQ(parse_time_arg("2026-11-24T09:57:56.1234567Z", now),
            utc(2026, 11, 24, 9, 57, 56) + microseconds(123456));
  EXPECT_EQ(parse_time_arg("2026-11-24T11:57:56+02:00", now), utc(2026, 11, 24, 9, 57, 56));
  EXPECT_EQ(parse_time_arg("2026-11-24T04:27:56-05:30", now), utc(2026, 11, 24, 9, 57, 56));
  EXPECT_EQ(parse_time_arg("2026-11-24", now), utc(2026, 11, 24));
}

TEST(search, parses_ages_before_now) {
  sys_time now = utc(2026, 11, 24, 12);
  EXPECT_EQ(parse_time_arg("90s", now), now - seconds(90));
  EXPECT_EQ(parse_time_arg("10m", now), now - minutes(10));
  EXPECT_EQ(parse_time_arg("2h", now), now - hours(2));
  EXPECT_EQ(parse_time_arg("7d", now), now - hours(7 * 24));
  EXPECT_EQ(parse_time_arg("1w", now), now - hours(7 * 24));
  EXPECT_EQ(parse_time_arg("0s", now), now);
}

TEST(search, refuses_what_is_not_a_time) {
  sys_time now = utc(2026, 11, 24);
  for (const char* bad : {"", "m", "10", "10x", "-5m", "1.5h", "10 m", "99999999999999d",
                          "2026-13-01", "2026-02-30", "2026-11-24T25:00:00Z",
                          "2026-11-24T09:57:56", "2026-11-24T09:57Z", "2026-11-24T09:57:56+2",
                          "2026-11-24T09:57:56.Z", "2026-11-24T09:57:56Zjunk", "yesterday",
                          "2300-01-01", "9999-12-31T23:59:59Z", "0001-01-01"})
    EXPECT_FALSE(parse_time_arg(bad, now).has_value()) << bad;
}

TEST(search, filter_matches_each_field) {
  event ev = testing::sample_statement(1);
  search_filter f;
  EXPECT_TRUE(matches(f, ev));
  f.principal = "chatgpt-agent";
  f.connection = "app";
  f.decision = "allow";
  f.since = ev.time;
  f.until = ev.time + microseconds(1);
  EXPECT_TRUE(matches(f, ev));
  EXPECT_FALSE(matches(search_filter{.principal = "ci-bot"}, ev));
  EXPECT_FALSE(matches(search_filter{.connection = "shop"}, ev));
  EXPECT_FALSE(matches(search_filter{.decision = "deny"}, ev));
  EXPECT_FALSE(matches(search_filter{.since = ev.time + microseconds(1)}, ev));
  EXPECT_FALSE(matches(search_filter{.until = ev.time}, ev));
  // Outcomes are joined to their statement, never listed on their own.
  EXPECT_FALSE(matches(search_filter{}, testing::sample_outcome(ev)));
}

}  // namespace
}  // namespace gh::audit
