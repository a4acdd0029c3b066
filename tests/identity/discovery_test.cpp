#include "identity/discovery.hpp"

#include <gtest/gtest.h>

#include "error_of.hpp"

#include "identity/refresh_limiter.hpp"

namespace gh::identity::testing {
namespace {

using std::chrono::seconds;

TEST(discovery, takes_issuer_and_jwks_uri) {
  auto m = parse_discovery(R"({"issuer":"https://idp.example","jwks_uri":"https://idp.example/jwks",
                               "token_endpoint":"https://idp.example/token","scopes_supported":["openid"]})",
                           "https://idp.example");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->issuer, "https://idp.example");
  EXPECT_EQ(m->jwks_uri, "https://idp.example/jwks");
}

TEST(discovery, issuer_must_match_exactly) {
  const auto doc = R"({"issuer":"https://idp.example/","jwks_uri":"https://idp.example/jwks"})";
  EXPECT_EQ(error_of(parse_discovery(doc, "https://idp.example")),
            discovery_error::issuer_mismatch);
  EXPECT_EQ(
      error_of(parse_discovery(R"({"issuer":"https://evil.example","jwks_uri":"https://e/j"})",
                               "https://idp.example")),
      discovery_error::issuer_mismatch);
  EXPECT_EQ(error_of(parse_discovery(R"({"issuer":"","jwks_uri":"https://e/j"})", "")),
            discovery_error::issuer_mismatch);
}

TEST(discovery, jwks_uri_must_be_absolute_https) {
  auto with = [](std::string uri, std::string issuer = "https://idp.example") {
    return parse_discovery(R"({"issuer":")" + issuer + R"(","jwks_uri":")" + uri + "\"}", issuer);
  };
  EXPECT_EQ(error_of(with("http://idp.example/jwks")), discovery_error::bad_jwks_uri);
  EXPECT_EQ(error_of(with("/jwks")), discovery_error::bad_jwks_uri);
  EXPECT_EQ(error_of(with("file:///etc/passwd")), discovery_error::bad_jwks_uri);
  EXPECT_EQ(error_of(with("https://user:pw@idp.example/jwks")), discovery_error::bad_jwks_uri);
  EXPECT_EQ(error_of(with("https:///jwks")), discovery_error::bad_jwks_uri);
  EXPECT_EQ(error_of(parse_discovery(R"({"issuer":"https://idp.example"})", "https://idp.example")),
            discovery_error::bad_jwks_uri);
  // An operator who configured a plain-http issuer (a test provider) gets http.
  EXPECT_TRUE(with("http://127.0.0.1:4000/jwks", "http://127.0.0.1:4000"));
}

TEST(discovery, malformed_documents_refused) {
  EXPECT_EQ(error_of(parse_discovery("[]", "https://i")), discovery_error::malformed);
  EXPECT_EQ(error_of(parse_discovery(R"({"issuer":1})", "https://i")), discovery_error::malformed);
  EXPECT_EQ(
      error_of(parse_discovery(
          R"({"issuer":"https://i","issuer":"https://i","jwks_uri":"https://i/j"})", "https://i")),
      discovery_error::malformed);
  EXPECT_EQ(
      error_of(parse_discovery(std::string(discovery_json_limits.max_size + 1, ' '), "https://i")),
      discovery_error::too_large);
}

TEST(discovery, url_of_the_document) {
  EXPECT_EQ(discovery_url("https://idp.example"),
            "https://idp.example/.well-known/openid-configuration");
  EXPECT_EQ(discovery_url("https://idp.example/realms/x/"),
            "https://idp.example/realms/x/.well-known/openid-configuration");
}

TEST(refresh_limiter, first_refresh_at_once_then_one_per_interval) {
  const sys_time t0 = from_unix_micros(1'800'000'000'000'000);
  refresh_limiter limiter;
  EXPECT_TRUE(limiter.allowed(t0));
  EXPECT_TRUE(limiter.try_acquire(t0));
  EXPECT_FALSE(limiter.try_acquire(t0));
  EXPECT_FALSE(limiter.try_acquire(t0 + seconds(29)));
  EXPECT_FALSE(limiter.allowed(t0 + seconds(29)));
  EXPECT_TRUE(limiter.try_acquire(t0 + seconds(30)));
  EXPECT_FALSE(limiter.try_acquire(t0 + seconds(45)));
  EXPECT_TRUE(limiter.try_acquire(t0 + seconds(61)));
}

TEST(refresh_limiter, a_flood_of_unknown_kids_gets_one_refresh_per_interval) {
  const sys_time t0 = from_unix_micros(1'800'000'000'000'000);
  refresh_limiter limiter(seconds(30));
  int refreshes = 0;
  for (int ms = 0; ms < 120'000; ms += 10)
    refreshes += limiter.try_acquire(t0 + std::chrono::milliseconds(ms)) ? 1 : 0;
  EXPECT_EQ(refreshes, 4);  // at 0, 30, 60 and 90 s
}

TEST(refresh_limiter, clock_stepping_back_allows_one_and_restarts) {
  const sys_time t0 = from_unix_micros(1'800'000'000'000'000);
  refresh_limiter limiter;
  EXPECT_TRUE(limiter.try_acquire(t0));
  EXPECT_TRUE(limiter.try_acquire(t0 - seconds(3600)));
  EXPECT_FALSE(limiter.try_acquire(t0 - seconds(3590)));
}

}  // namespace
}  // namespace gh::identity::testing
