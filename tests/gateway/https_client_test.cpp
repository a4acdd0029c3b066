// The client the gateway fetches identity providers' keys with, against a
// local server: what it refuses matters as much as what it fetches.
#include "gateway/https_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ssl/context.hpp>

#include "gateway/https_client_url.hpp"
#include "oidc_test_server.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
using testing::make_test_pki;
using testing::reply;
using testing::test_http_server;
using testing::test_pki;
using result = expected<std::string, fetch_failure>;

result fetch(const https_client& client, const std::string& url, fetch_limits limits = {}) {
  asio::io_context io;
  result out = unexpected(fetch_failure{fetch_error::io_failed, "not run"});
  asio::co_spawn(io, [&]() -> net::awaitable<void> { out = co_await client.get(url, limits); }, asio::detached);
  io.run();
  return out;
}

const test_pki& pki() {
  static const test_pki p = make_test_pki({"localhost"}, {"127.0.0.1"});
  return p;
}

https_client trusting(const test_pki& p) {
  return https_client(make_client_tls(testing::write_temp_file("ca.pem", p.ca_pem)));
}

reply ok(std::string body) { return reply{200, std::move(body)}; }

// ---- URLs ----------------------------------------------------------------------

TEST(fetch_target, parses_hosts_ports_and_targets) {
  auto t = parse_fetch_target("https://idp.example/realms/a/jwks?x=1");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->https);
  EXPECT_EQ(t->host, "idp.example");
  EXPECT_FALSE(t->host_is_ip);
  EXPECT_EQ(t->port, 443);
  EXPECT_EQ(t->request_target, "/realms/a/jwks?x=1");
  EXPECT_EQ(t->host_header, "idp.example");

  auto v6 = parse_fetch_target("https://[::1]:8443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->host_is_ip);
  EXPECT_EQ(v6->port, 8443);
  EXPECT_EQ(v6->request_target, "/");
  EXPECT_EQ(v6->host_header, "[::1]:8443");
}

TEST(fetch_target, refuses_what_is_not_a_plain_absolute_http_url) {
  for (const char* url : {"", "idp.example/jwks", "/jwks", "ftp://idp.example/", "https:///jwks",
                          "https://user:pw@idp.example/", "https://idp.example:0/", "https://idp%2eexample/",
                          "file:///etc/passwd", "https://idp.example/jwks#fragment"})
    EXPECT_EQ(parse_fetch_target(url).error(), fetch_target_error::bad_url) << url;
}

TEST(fetch_target, plain_http_only_to_loopback) {
  EXPECT_TRUE(parse_fetch_target("http://127.0.0.1:8080/x"));
  EXPECT_TRUE(parse_fetch_target("http://localhost/x"));
  EXPECT_TRUE(parse_fetch_target("http://[::1]/x"));
  for (const char* url : {"http://idp.example/", "http://192.0.2.1/", "http://10.0.0.1/", "http://localhost.evil/"})
    EXPECT_EQ(parse_fetch_target(url).error(), fetch_target_error::plain_http_refused) << url;
}

TEST(fetch_target, resolves_locations_and_drops_fragments) {
  EXPECT_EQ(*resolve_location("https://a.example/x/y", "/z#f"), "https://a.example/z");
  EXPECT_EQ(*resolve_location("https://a.example/x/y", "w"), "https://a.example/x/w");
  EXPECT_EQ(*resolve_location("https://a.example/x", "https://b.example/"), "https://b.example/");
}

// ---- fetching ------------------------------------------------------------------

TEST(https_client, fetches_over_verified_tls_by_ip_and_by_name) {
  test_http_server server([](const std::string&) { return ok("{\"keys\":[]}"); }, &pki());
  auto client = trusting(pki());
  auto by_ip = fetch(client, server.origin() + "/jwks");
  ASSERT_TRUE(by_ip) << to_string(by_ip.error());
  EXPECT_EQ(*by_ip, "{\"keys\":[]}");
  auto by_name = fetch(client, "https://localhost:" + std::to_string(server.port()) + "/jwks");
  ASSERT_TRUE(by_name) << to_string(by_name.error());
}

TEST(https_client, refuses_a_certificate_from_an_unknown_authority) {
  test_http_server server([](const std::string&) { return ok("{}"); }, &pki());
  https_client system_store(make_client_tls());
  auto r = fetch(system_store, server.origin() + "/jwks");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, fetch_error::tls_failed);
  EXPECT_NE(r.error().detail.find("certificate not trusted"), std::string::npos) << r.error().detail;
  EXPECT_EQ(server.requests("/jwks"), 0);
}

TEST(https_client, refuses_a_trusted_certificate_for_another_name) {
  test_pki other = make_test_pki({"idp.example"}, {});
  test_http_server server([](const std::string&) { return ok("{}"); }, &other);
  auto r = fetch(trusting(other), server.origin() + "/jwks");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, fetch_error::tls_failed);
  EXPECT_EQ(server.requests("/jwks"), 0);
}

TEST(https_client, refuses_a_body_over_the_limit) {
  test_http_server server([](const std::string&) { return ok(std::string(5000, 'x')); }, &pki());
  fetch_limits limits;
  limits.body_max = 4096;
  auto r = fetch(trusting(pki()), server.origin() + "/big", limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, fetch_error::too_large);
}

TEST(https_client, takes_only_200) {
  test_http_server server([](const std::string&) { return reply{404, "{}"}; }, &pki());
  auto r = fetch(trusting(pki()), server.origin() + "/missing");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, fetch_error::bad_status);
  EXPECT_EQ(r.error().detail, "HTTP 404");
}

TEST(https_client, follows_redirects_within_the_origin_only) {
  test_http_server elsewhere([](const std::string&) { return ok("elsewhere"); }, &pki());
  const std::string away = elsewhere.origin() + "/keys";
  test_http_server server(
      [away](const std::string& target) {
        if (target == "/a") return reply{302, "", {{"Location", "/b"}}};
        if (target == "/b") return ok("here");
        return reply{301, "", {{"Location", away}}};
      },
      &pki());
  auto client = trusting(pki());
  auto same = fetch(client, server.origin() + "/a");
  ASSERT_TRUE(same) << to_string(same.error());
  EXPECT_EQ(*same, "here");
  auto other = fetch(client, server.origin() + "/away");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().reason, fetch_error::redirect_refused);
  EXPECT_EQ(elsewhere.requests("/keys"), 0);
}

TEST(https_client, stops_after_too_many_redirects) {
  test_http_server server([](const std::string&) { return reply{307, "", {{"Location", "/again"}}}; }, &pki());
  auto r = fetch(trusting(pki()), server.origin() + "/again");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, fetch_error::redirect_refused);
  EXPECT_EQ(server.requests("/again"), 4);  // the request and 3 redirects
}

TEST(https_client, one_deadline_for_the_whole_exchange) {
  test_http_server server([](const std::string&) { return reply{200, "", {}, {}, /*hang=*/true}; }, &pki());
  fetch_limits limits;
  limits.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto r = fetch(trusting(pki()), server.origin() + "/slow", limits);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, fetch_error::timeout);
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(https_client, plain_http_to_loopback_and_nowhere_else) {
  test_http_server server([](const std::string&) { return ok("plain"); });
  https_client client(make_client_tls());
  auto r = fetch(client, server.origin() + "/x");
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(*r, "plain");
  auto far = fetch(client, "http://192.0.2.1/x");
  ASSERT_FALSE(far);
  EXPECT_EQ(far.error().reason, fetch_error::plain_http_refused);
}

TEST(https_client, a_closed_port_is_a_connect_failure) {
  unsigned short port;
  {
    test_http_server gone([](const std::string&) { return ok(""); });
    port = gone.port();
  }
  https_client client(make_client_tls());
  auto r = fetch(client, "http://127.0.0.1:" + std::to_string(port) + "/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, fetch_error::connect_failed);
}

}  // namespace
}  // namespace gh::gateway
