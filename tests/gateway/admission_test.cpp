#include "gateway/admission.hpp"

#include <gtest/gtest.h>

namespace gh::gateway {
namespace {

using namespace std::chrono_literals;

TEST(admission, caps_sessions_per_address) {
  admission a({2, 20, 10, 60s});
  EXPECT_TRUE(a.enter("10.0.0.1"));
  EXPECT_TRUE(a.enter("10.0.0.1"));
  EXPECT_FALSE(a.enter("10.0.0.1"));
  EXPECT_TRUE(a.enter("10.0.0.2"));
  a.leave("10.0.0.1");
  EXPECT_TRUE(a.enter("10.0.0.1"));
}

TEST(admission, throttles_failed_logins_per_address_and_per_user) {
  admission a({100, 3, 2, 60s});
  auto t0 = admission::clock::time_point{} + 1000s;
  EXPECT_EQ(a.login_blocked_for("10.0.0.1", "alice", t0), 0u);
  a.login_failed("10.0.0.1", "bob", t0);
  a.login_failed("10.0.0.1", "carol", t0);
  a.login_failed("10.0.0.1", "dave", t0 + 1s);
  EXPECT_GT(a.login_blocked_for("10.0.0.1", "alice", t0 + 2s), 0u);  // the address is spent
  EXPECT_EQ(a.login_blocked_for("10.0.0.2", "alice", t0 + 2s), 0u);
  a.login_failed("10.0.0.7", "erin", t0);
  a.login_failed("10.0.0.8", "erin", t0);
  EXPECT_GT(a.login_blocked_for("10.0.0.9", "erin", t0 + 1s), 0u);  // the user name is spent, from anywhere
  EXPECT_EQ(a.login_blocked_for("10.0.0.1", "alice", t0 + 61s), 0u);  // the window passed
  EXPECT_EQ(a.login_blocked_for("10.0.0.9", "erin", t0 + 61s), 0u);
}

}  // namespace
}  // namespace gh::gateway
