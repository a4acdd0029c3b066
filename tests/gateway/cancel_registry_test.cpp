#include "gateway/cancel_registry.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace gh::gateway {
namespace {

random_source counting_random() {
  auto state = std::make_shared<std::uint8_t>(1);
  return [state](void* out, std::size_t n) {
    auto* p = static_cast<std::uint8_t*>(out);
    for (std::size_t i = 0; i < n; ++i) p[i] = (*state)++;
  };
}

TEST(cancel_registry, finds_only_with_the_right_secret) {
  cancel_registry reg(counting_random());
  backend_key a = reg.issue({"db", 5432, {111, 222}, "", "s-a"});
  backend_key b = reg.issue({"db", 5432, {333, 444}, "", "s-b"});
  EXPECT_NE(a.pid, b.pid);
  EXPECT_GT(a.pid, 0);
  auto found = reg.find(a);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->upstream.pid, 111);
  EXPECT_EQ(found->session, "s-a");
  EXPECT_FALSE(reg.find({a.pid, a.secret + 1}));
  EXPECT_FALSE(reg.find({a.pid, b.secret}));
  reg.release(a);
  EXPECT_FALSE(reg.find(a));
  EXPECT_TRUE(reg.find(b));
  EXPECT_EQ(reg.size(), 1u);
}

TEST(cancel_registry, never_issues_a_live_pid_twice) {
  // A generator stuck on one value must not hand out the same pid twice.
  int calls = 0;
  cancel_registry reg([&calls](void* out, std::size_t n) {
    std::memset(out, ++calls < 4 ? 7 : calls, n);
  });
  backend_key a = reg.issue({});
  backend_key b = reg.issue({});
  EXPECT_NE(a.pid, b.pid);
}

}  // namespace
}  // namespace gh::gateway
