// A provider with one RSA, one EC P-256 and one Ed25519 key, claims that
// pass by default, and `now` fixed: each test changes one thing.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <string>

#include "identity/jwt.hpp"
#include "test_keys.hpp"

namespace gh::identity::testing {

inline constexpr std::int64_t now_seconds = 1'800'000'000;
inline const sys_time test_now = from_unix_micros(now_seconds * 1'000'000);

inline std::string header(std::string_view alg, std::string_view kid = "") {
  boost::json::object h{{"alg", alg}, {"typ", "JWT"}};
  if (!kid.empty()) h["kid"] = kid;
  return boost::json::serialize(h);
}

inline boost::json::object default_claims() {
  return {{"iss", "https://idp.example"},
          {"aud", "urn:gatehouse"},
          {"sub", "agent-7"},
          {"exp", now_seconds + 300},
          {"iat", now_seconds - 10},
          {"groups", boost::json::array{"agents", "readers"}}};
}

inline std::string claims(const std::function<void(boost::json::object&)>& change = {}) {
  auto c = default_claims();
  if (change) change(c);
  return boost::json::serialize(c);
}

inline std::string jwks_json() {
  return R"({"keys":[)" + rsa_key().jwk(R"("kid":"rsa-1","use":"sig",)") + "," +
         ec_key().jwk(R"("kid":"ec-1","alg":"ES256",)") + "," + ed_key().jwk(R"("kid":"ed-1",)") +
         "]}";
}

class jwt_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = parse_jwks(jwks_json());
    ASSERT_TRUE(parsed);
    keys_ = std::move(*parsed);
    ASSERT_EQ(keys_.keys().size(), 3u);
    provider_.issuer = "https://idp.example";
    provider_.audience = "urn:gatehouse";
  }

  expected<principal, jwt_error> check(const std::string& token) const {
    return verify(token, provider_, keys_, test_now);
  }

  // The error a refused token got; fails the test when it was accepted.
  jwt_error refusal(const std::string& token) const {
    auto r = check(token);
    EXPECT_FALSE(r) << "accepted: " << (r ? r->name : "");
    return r ? jwt_error::malformed : r.error();
  }

  std::string rs256(const std::string& payload, std::string_view kid = "rsa-1") const {
    return make_token(header("RS256", kid), payload, rsa_key(), "RS256");
  }

  jwks keys_;
  provider_settings provider_;
};

}  // namespace gh::identity::testing
