#include <gtest/gtest.h>

#include "config/values.hpp"

namespace gh::config {
namespace {

using namespace std::chrono_literals;

TEST(config_values, durations) {
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("8h"), 8h);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("1h0m5s"), 3605s);
  EXPECT_EQ(parse_duration("2d"), 48h);
  EXPECT_EQ(parse_duration("90m"), 90min);
  EXPECT_EQ(parse_duration("0s"), 0s);
  for (const char* bad : {"", "30", "s", "1.5h", "30m1h", "1h1h", "-5s", "5 s", "5S", "1w",
                          "99999999999999s", "367d", "1h30", "ms", "10ms"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(config_values, listen_addresses) {
  auto a = parse_host_port("0.0.0.0:5432");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 5432);
  auto b = parse_host_port("[::1]:8080");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 8080);
  auto c = parse_host_port("gw.example.com:443");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "gw.example.com");
  EXPECT_TRUE(parse_host_port("[::]:1"));
  EXPECT_TRUE(parse_host_port("h:65535"));
  for (const char* bad : {"", ":5432", "0.0.0.0", "0.0.0.0:", "0.0.0.0:0", "0.0.0.0:65536",
                          "::1:5432", "[::1]5432", "[::1]", "[nothost]:80", "a b:80", "h:80x",
                          "h:-1", "-h:80", "h..x:80"})
    EXPECT_FALSE(parse_host_port(bad)) << bad;
}

TEST(config_values, names_and_hashes) {
  EXPECT_TRUE(is_name("app"));
  EXPECT_TRUE(is_name("agents-read.v2_x"));
  EXPECT_FALSE(is_name(""));
  EXPECT_FALSE(is_name("-app"));
  EXPECT_FALSE(is_name("my app"));
  EXPECT_FALSE(is_name(std::string(64, 'a')));
  EXPECT_TRUE(is_principal_name("chatgpt-agent@example.com"));
  EXPECT_FALSE(is_principal_name("two words"));
  EXPECT_FALSE(is_principal_name("tab\tname"));
  EXPECT_TRUE(is_sha256_hex(std::string(64, 'a')));
  EXPECT_TRUE(is_sha256_hex(std::string(64, 'F')));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a')));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a') + "g"));
  EXPECT_TRUE(is_env_name("APP_DB_PASSWORD"));
  EXPECT_FALSE(is_env_name("1X"));
  EXPECT_FALSE(is_env_name("A-B"));
}

TEST(config_values, urls) {
  EXPECT_TRUE(is_http_url("https://idp.example", true));
  EXPECT_TRUE(is_http_url("https://idp.example:8443/realms/x", true));
  EXPECT_TRUE(is_http_url("http://127.0.0.1:9000", true));
  EXPECT_TRUE(is_http_url("http://localhost/x", true));
  EXPECT_TRUE(is_http_url("http://[::1]:9000/", true));
  EXPECT_FALSE(is_http_url("http://idp.example", true));
  EXPECT_TRUE(is_http_url("http://idp.example", false));
  EXPECT_FALSE(is_http_url("ftp://idp.example", false));
  EXPECT_FALSE(is_http_url("https://", false));
  EXPECT_FALSE(is_http_url("https://user:pw@idp.example", false));
  EXPECT_FALSE(is_http_url("idp.example", false));
}

TEST(config_values, function_names_fold_like_postgresql) {
  EXPECT_EQ(canonical_function_name("Report"), "report");
  EXPECT_EQ(canonical_function_name("Public.Report"), "public.report");
  EXPECT_EQ(canonical_function_name("\"Report\""), "\"Report\"");
  EXPECT_EQ(canonical_function_name("\"public\".\"report\""), "public.report");
  EXPECT_FALSE(canonical_function_name("a.b.c"));
  EXPECT_FALSE(canonical_function_name("public.*"));
  EXPECT_FALSE(canonical_function_name("f()"));
}

TEST(config_values, typo_suggestions) {
  std::string_view keys[] = {"postgres", "mysql", "http", "connectors", "store"};
  EXPECT_EQ(closest_word("postgress", keys), "postgres");
  EXPECT_EQ(closest_word("connector", keys), "connectors");
  EXPECT_EQ(closest_word("stroe", keys), "");  // a swap is two edits in a short word
  EXPECT_EQ(closest_word("listen", keys), "");
  std::string_view jit_keys[] = {"max"};
  EXPECT_EQ(closest_word("maximum", jit_keys), "max");
  EXPECT_EQ(closest_word("ma", jit_keys), "max");
  EXPECT_EQ(closest_word("limit", jit_keys), "");
}

TEST(config_values, quoted_values_are_bounded_and_escaped) {
  EXPECT_EQ(quote_value("reed"), "'reed'");
  EXPECT_EQ(quote_value("a\nb"), "'a\\x0ab'");
  EXPECT_EQ(quote_value(std::string(100, 'x')), "'" + std::string(60, 'x') + "…'");
}

}  // namespace
}  // namespace gh::config
