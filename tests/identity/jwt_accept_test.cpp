// Tokens a real provider issues, in each algorithm we verify, and what the
// principal carries.
#include "jwt_fixture.hpp"

namespace gh::identity::testing {
namespace {

using std::chrono::seconds;

TEST_F(jwt_test, rs256_accepted_with_principal_groups_source_and_expiry) {
  auto who = check(rs256(claims()));
  ASSERT_TRUE(who) << describe(who.error());
  EXPECT_EQ(who->name, "agent-7");
  EXPECT_EQ(who->groups, (std::vector<std::string>{"agents", "readers"}));
  EXPECT_EQ(who->source, "oidc:https://idp.example");
  ASSERT_TRUE(who->expires);
  EXPECT_EQ(*who->expires, test_now + seconds(300));
}

TEST_F(jwt_test, ps256_accepted) {
  auto who = check(make_token(header("PS256", "rsa-1"), claims(), rsa_key(), "PS256"));
  ASSERT_TRUE(who) << describe(who.error());
  EXPECT_EQ(who->name, "agent-7");
}

TEST_F(jwt_test, es256_accepted) {
  auto who = check(make_token(header("ES256", "ec-1"), claims(), ec_key(), "ES256"));
  ASSERT_TRUE(who) << describe(who.error());
  EXPECT_EQ(who->name, "agent-7");
}

TEST_F(jwt_test, eddsa_accepted) {
  auto who = check(make_token(header("EdDSA", "ed-1"), claims(), ed_key(), "EdDSA"));
  ASSERT_TRUE(who) << describe(who.error());
  EXPECT_EQ(who->name, "agent-7");
}

TEST_F(jwt_test, without_kid_the_only_key_of_the_right_type_is_used) {
  auto who = check(make_token(header("RS256"), claims(), rsa_key(), "RS256"));
  ASSERT_TRUE(who) << describe(who.error());
}

TEST_F(jwt_test, audience_array_holding_ours_accepted) {
  auto who = check(rs256(claims([](auto& c) {
    c["aud"] = boost::json::array{"account", "urn:gatehouse"};
  })));
  ASSERT_TRUE(who) << describe(who.error());
}

TEST_F(jwt_test, principal_and_groups_from_configured_claims) {
  provider_.principal_claim = "client_id";
  provider_.groups_claim = "https://idp.example/roles";
  auto who = check(rs256(claims([](auto& c) {
    c["client_id"] = "ci-bot";
    c["https://idp.example/roles"] = "dba";
  })));
  ASSERT_TRUE(who) << describe(who.error());
  EXPECT_EQ(who->name, "ci-bot");
  EXPECT_EQ(who->groups, (std::vector<std::string>{"dba"}));
}

TEST_F(jwt_test, absent_groups_claim_means_no_groups) {
  auto who = check(rs256(claims([](auto& c) { c.erase("groups"); })));
  ASSERT_TRUE(who) << describe(who.error());
  EXPECT_TRUE(who->groups.empty());
}

TEST_F(jwt_test, clock_skew_allowance_both_ways) {
  // Expired 30 s ago, valid from 30 s ahead, issued 30 s ahead: within 60 s.
  auto who = check(rs256(claims([](auto& c) {
    c["exp"] = now_seconds - 30;
    c["nbf"] = now_seconds + 30;
    c["iat"] = now_seconds + 30;
  })));
  ASSERT_TRUE(who) << describe(who.error());
}

TEST_F(jwt_test, fractional_numeric_dates_accepted) {
  auto who = check(rs256(claims([](auto& c) { c["exp"] = now_seconds + 10.5; })));
  ASSERT_TRUE(who) << describe(who.error());
}

TEST_F(jwt_test, unverified_issuer_reads_iss_for_routing_only) {
  EXPECT_EQ(unverified_issuer(rs256(claims())), "https://idp.example");
  // A forged token still yields its claimed issuer: routing, never trust.
  EXPECT_EQ(unverified_issuer(make_hs256_token(header("HS256"), claims(), "k")),
            "https://idp.example");
  EXPECT_FALSE(unverified_issuer("not a token"));
  EXPECT_FALSE(unverified_issuer(rs256(claims([](auto& c) { c.erase("iss"); }))));
  EXPECT_FALSE(unverified_issuer(rs256(claims([](auto& c) { c["iss"] = 42; }))));
}

}  // namespace
}  // namespace gh::identity::testing
