// The claims of a correctly signed token: audience, time, principal, groups.
#include <limits>

#include "jwt_fixture.hpp"

namespace gh::identity::testing {
namespace {

TEST_F(jwt_test, wrong_audience_string_refused) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["aud"] = "urn:other"; }))),
            jwt_error::wrong_audience);
}

TEST_F(jwt_test, wrong_audience_array_refused) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) {
              c["aud"] = boost::json::array{"urn:other", "urn:gatehouse:x"};
            }))),
            jwt_error::wrong_audience);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["aud"] = boost::json::array{}; }))),
            jwt_error::wrong_audience);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c.erase("aud"); }))), jwt_error::wrong_audience);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) {
              c["aud"] = boost::json::array{"urn:gatehouse", 5};
            }))),
            jwt_error::bad_claim);
}

TEST_F(jwt_test, empty_configured_issuer_or_audience_matches_nothing) {
  provider_.issuer = "";
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["iss"] = ""; }))), jwt_error::wrong_issuer);
  provider_.issuer = "https://idp.example";
  provider_.audience = "";
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["aud"] = ""; }))), jwt_error::wrong_audience);
}

TEST_F(jwt_test, expired_refused) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["exp"] = now_seconds - 61; }))),
            jwt_error::expired);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["exp"] = now_seconds - 60; }))),
            jwt_error::expired);  // exactly at the edge: no longer valid
  provider_.skew = std::chrono::seconds(0);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["exp"] = now_seconds; }))), jwt_error::expired);
}

TEST_F(jwt_test, far_future_exp_within_range_is_carried) {
  auto who = check(rs256(claims([](auto& c) { c["exp"] = 8'999'999'999; })));
  ASSERT_TRUE(who) << describe(who.error());
  EXPECT_EQ(to_unix_micros(*who->expires), 8'999'999'999'000'000);
}

TEST_F(jwt_test, absurd_skew_setting_does_not_overflow) {
  provider_.skew = std::chrono::seconds(std::numeric_limits<std::int64_t>::max() / 2);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["exp"] = now_seconds - 2 * 86400; }))),
            jwt_error::expired);
  provider_.skew = std::chrono::seconds(-600);
  EXPECT_TRUE(check(rs256(claims([](auto& c) { c["exp"] = now_seconds + 1; }))));
}

TEST_F(jwt_test, missing_exp_refused) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c.erase("exp"); }))), jwt_error::missing_exp);
}

TEST_F(jwt_test, not_yet_valid_refused) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["nbf"] = now_seconds + 120; }))),
            jwt_error::not_yet_valid);
}

TEST_F(jwt_test, iat_in_the_future_refused) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["iat"] = now_seconds + 3600; }))),
            jwt_error::issued_in_future);
}

TEST_F(jwt_test, dates_that_are_not_numbers_refused) {
  for (const char* name : {"exp", "nbf", "iat"}) {
    EXPECT_EQ(refusal(rs256(claims([&](auto& c) { c[name] = "1900000000"; }))),
              jwt_error::bad_claim)
        << name;
    EXPECT_EQ(refusal(rs256(claims([&](auto& c) { c[name] = -1; }))), jwt_error::bad_claim) << name;
    EXPECT_EQ(refusal(rs256(claims([&](auto& c) { c[name] = 1e300; }))), jwt_error::bad_claim)
        << name;
    // Beyond what a time point can hold (found by the fuzzer as an overflow).
    EXPECT_EQ(refusal(rs256(claims([&](auto& c) { c[name] = 18020000300; }))), jwt_error::bad_claim)
        << name;
  }
}

TEST_F(jwt_test, missing_principal_claim_refused_without_falling_back) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c.erase("sub"); }))), jwt_error::no_principal);
  provider_.principal_claim = "email";  // sub is there, but it is not the configured claim
  EXPECT_EQ(refusal(rs256(claims())), jwt_error::no_principal);
  provider_.principal_claim = "";  // a misconfiguration names nobody, not the "" claim
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c[""] = "alice"; }))), jwt_error::no_principal);
}

TEST_F(jwt_test, unusable_principal_names_refused) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["sub"] = ""; }))), jwt_error::no_principal);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["sub"] = 42; }))), jwt_error::no_principal);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["sub"] = "a\nforged log line"; }))),
            jwt_error::no_principal);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["sub"] = std::string(257, 'a'); }))),
            jwt_error::no_principal);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["sub"] = "Alice Smith"; }))),
            jwt_error::no_principal);  // a rule could never name it
  // Rules read "group:x" as a group; a principal may not take that shape.
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["sub"] = "group:dba"; }))),
            jwt_error::no_principal);
}

TEST_F(jwt_test, group_names_with_spaces_are_carried) {
  auto who =
      check(rs256(claims([](auto& c) { c["groups"] = boost::json::array{"Domain Admins"}; })));
  ASSERT_TRUE(who) << describe(who.error());
  EXPECT_EQ(who->groups, (std::vector<std::string>{"Domain Admins"}));
}

TEST_F(jwt_test, malformed_groups_refused) {
  EXPECT_EQ(refusal(rs256(claims([](auto& c) {
              c["groups"] = boost::json::array{"a", 1};
            }))),
            jwt_error::bad_claim);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["groups"] = boost::json::object{}; }))),
            jwt_error::bad_claim);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["groups"] = "dba\r\n"; }))), jwt_error::bad_claim);
}

TEST_F(jwt_test, duplicate_claims_refused) {
  // A parser keeping the first "sub" and one keeping the last would disagree.
  const std::string payload = claims().substr(0, claims().size() - 1) + R"(,"sub":"dba-alice"})";
  EXPECT_EQ(refusal(rs256(payload)), jwt_error::malformed);
}

TEST_F(jwt_test, claims_that_are_not_a_json_object_refused) {
  EXPECT_EQ(refusal(rs256("[1,2]")), jwt_error::malformed);
  EXPECT_EQ(refusal(rs256("{\"sub\":\"x\"")), jwt_error::malformed);
  EXPECT_EQ(refusal(rs256("{\"sub\":\"\xff\"}")), jwt_error::malformed);
}

}  // namespace
}  // namespace gh::identity::testing
