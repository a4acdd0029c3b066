#include <gtest/gtest.h>

#include "common/crypto.hpp"
#include "common/encoding.hpp"
#include "connector/registry.hpp"

namespace gh::connector {
namespace {

std::string sha_hex(std::string_view token) { return to_hex(sha256(token)); }

using entries = std::vector<config::connector_entry>;

entries two_easts() {
  return {{"east", sha_hex("token-one")}, {"east", sha_hex("token-two")}, {"west", sha_hex("token-w")}};
}

TEST(connector_registry, admits_a_name_with_its_own_token_only) {
  registry r(two_easts());
  EXPECT_TRUE(r.admits("east", "token-one"));
  EXPECT_TRUE(r.admits("east", "token-two"));
  EXPECT_TRUE(r.admits("west", "token-w"));
  EXPECT_FALSE(r.admits("west", "token-one"));   // a token is for its own name
  EXPECT_FALSE(r.admits("east", "token-w"));
  EXPECT_FALSE(r.admits("east", "token-on"));
  EXPECT_FALSE(r.admits("east", ""));
  EXPECT_FALSE(r.admits("north", "token-one"));
  EXPECT_FALSE(r.admits("", "token-one"));
  EXPECT_FALSE(r.admits("east", sha_hex("token-one")));  // the hash is not the token
}

TEST(connector_registry, an_unreadable_hash_admits_nothing) {
  registry r(entries{{"east", "not hex"}});
  EXPECT_FALSE(r.admits("east", "not hex"));
  EXPECT_FALSE(r.admits("east", ""));
}

TEST(connector_registry, a_waiting_session_is_claimed_once) {
  net::asio::io_context io;
  registry r(entries{});
  auto p = std::make_shared<pending_open>(io.get_executor());
  p->session_id = "0123456789abcdef";
  r.expect(p);
  EXPECT_EQ(r.claim("0123456789abcdeX"), nullptr);
  EXPECT_EQ(r.claim(p->session_id), p);
  EXPECT_EQ(r.claim(p->session_id), nullptr);  // a second data connection for it finds nothing
}

TEST(connector_registry, a_session_that_gave_up_is_not_claimable) {
  net::asio::io_context io;
  registry r(entries{});
  auto p = std::make_shared<pending_open>(io.get_executor());
  p->session_id = "0123456789abcdef";
  r.expect(p);
  r.forget(p->session_id);
  EXPECT_EQ(r.claim(p->session_id), nullptr);
  auto q = std::make_shared<pending_open>(io.get_executor());
  q->session_id = "fedcba9876543210";
  r.expect(q);
  q.reset();  // its coroutine is gone (an io_context destroyed it)
  EXPECT_EQ(r.claim("fedcba9876543210"), nullptr);
}

TEST(connector_registry, no_live_connector_means_none_picked) {
  registry r(two_easts());
  net::asio::io_context io;
  auto p = std::make_shared<pending_open>(io.get_executor());
  p->session_id = "0123456789abcdef";
  EXPECT_EQ(r.pick("east", p), nullptr);
  EXPECT_EQ(r.live("east"), 0u);
  EXPECT_EQ(r.claim(p->session_id), nullptr);  // nothing registered without a connector
}

TEST(connector_registry, a_failure_reaches_the_waiting_session_on_its_executor) {
  net::asio::io_context io;
  auto p = std::make_shared<pending_open>(io.get_executor());
  deliver_failure(p, {"08001", "m", "d"}, true);
  EXPECT_FALSE(p->failure);  // not before the session's executor runs it
  io.run();
  ASSERT_TRUE(p->failure);
  EXPECT_EQ(p->failure->sqlstate, "08001");
  EXPECT_TRUE(p->retry);
  deliver_failure(p, {"XX000", "late", ""}, false);  // the first answer stands
  io.restart();
  io.run();
  EXPECT_EQ(p->failure->sqlstate, "08001");
}

}  // namespace
}  // namespace gh::connector
