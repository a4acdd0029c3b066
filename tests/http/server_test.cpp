// The listener over a real socket: authentication, limits, keep-alive and
// malformed requests. Routes themselves are tested as values (api_test).
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "../store/review_fixture.hpp"
#include "http/client.hpp"

namespace gh::http {
namespace {

using gateway::testing::review_fixture;
using gateway::testing::who;

struct server_fixture : review_fixture {
  api routes{
      api_context{*board, *book, "http://127.0.0.1", clock(), [] { return std::string("m 1\n"); }}};
  net::asio::io_context io;
  std::unique_ptr<server> srv;
  std::thread thread;
  std::atomic<int> auth_calls{0};

  server_fixture() {
    config::http_listener l;
    l.host = "127.0.0.1";
    l.port = 0;
    server_limits limits;
    limits.body_max = 1024;
    limits.io_timeout = std::chrono::seconds(2);
    auto s = server::bind(
        io, l, routes,
        [this](std::string token) -> net::awaitable<std::optional<identity::principal>> {
          ++auth_calls;
          if (token == "good") co_return who("dba-carol", {"dba"});
          co_return std::nullopt;
        },
        limits);
    EXPECT_TRUE(s) << s.error();
    srv = std::move(*s);
    srv->start();
    thread = std::thread([this] { io.run(); });
  }
  ~server_fixture() {
    io.stop();
    thread.join();
    srv->stop();
  }

  client_reply call(verb method, std::string path, std::string token = "", std::string body = "") {
    auto u = parse_url("http://127.0.0.1:" + std::to_string(srv->port()));
    auto r = send(*u, method, path, std::move(body), token);
    EXPECT_TRUE(r) << r.error();
    return r ? *r : client_reply{};
  }

  // Raw bytes in, everything the server sends until it closes out.
  std::string raw(const std::string& bytes) {
    net::asio::io_context c;
    net::tcp::socket s(c);
    s.connect({net::asio::ip::make_address("127.0.0.1"), srv->port()});
    net::asio::write(s, net::asio::buffer(bytes));
    std::string out;
    net::error_code ec;
    net::asio::read(s, net::asio::dynamic_buffer(out), ec);
    return out;
  }
};

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(http_server, health_needs_no_token_and_the_api_does) {
  server_fixture f;
  EXPECT_EQ(f.call(verb::get, "/healthz").status, 200u);
  EXPECT_EQ(f.call(verb::get, "/metrics").body, "m 1\n");
  EXPECT_EQ(f.auth_calls.load(), 0);
  auto none = f.call(verb::get, "/api/v1/reviews");
  EXPECT_EQ(none.status, 401u);
  EXPECT_NE(none.body.find("Bearer"), std::string::npos);
  EXPECT_EQ(f.call(verb::get, "/api/v1/reviews", "bad").status, 401u);
  EXPECT_EQ(f.call(verb::get, "/no/such/thing").status, 401u);  // routes are not shown to strangers
  auto ok = f.call(verb::get, "/api/v1/reviews", "good");
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.content_type, "application/json");
  EXPECT_EQ(ok.body, "{\"reviews\":[]}\n");
}

TEST(http_server, a_401_says_bearer) {
  server_fixture f;
  std::string out = f.raw("GET /api/v1/grants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(out.find("HTTP/1.1 401"), std::string::npos) << out;
  EXPECT_NE(out.find("WWW-Authenticate: Bearer"), std::string::npos) << out;
}

TEST(http_server, keeps_the_connection_alive_between_requests) {
  server_fixture f;
  std::string out = f.raw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/reviews HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 3u) << out;
}

TEST(http_server, bodies_over_the_limit_are_refused) {
  server_fixture f;
  auto r = f.call(verb::post, "/api/v1/grants", "good",
                  "{\"reason\": \"" + std::string(2000, 'x') + "\"}");
  EXPECT_EQ(r.status, 413u);
  EXPECT_NE(r.body.find("payload_too_large"), std::string::npos);
  EXPECT_EQ(f.auth_calls.load(), 0);  // refused before anyone is asked who it is
}

TEST(http_server, malformed_requests_get_400) {
  server_fixture f;
  std::string out = f.raw("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n");
  EXPECT_NE(out.find("HTTP/1.1 400"), std::string::npos) << out;
}

TEST(http_server, tokens_cross_the_network_only_over_tls) {
  auto addr = [](const char* a) { return net::asio::ip::make_address(a); };
  EXPECT_TRUE(may_carry_credentials(false, addr("127.0.0.1")));
  EXPECT_TRUE(may_carry_credentials(false, addr("127.5.6.7")));
  EXPECT_TRUE(may_carry_credentials(false, addr("::1")));
  EXPECT_TRUE(may_carry_credentials(false, addr("::ffff:127.0.0.1")));
  EXPECT_FALSE(may_carry_credentials(false, addr("10.0.0.7")));
  EXPECT_FALSE(may_carry_credentials(false, addr("::ffff:10.0.0.7")));
  EXPECT_FALSE(may_carry_credentials(false, addr("fe80::1")));
  EXPECT_TRUE(may_carry_credentials(true, addr("10.0.0.7")));
}

TEST(http_server, an_idle_connection_is_closed) {
  server_fixture f;
  net::asio::io_context c;
  net::tcp::socket s(c);
  s.connect({net::asio::ip::make_address("127.0.0.1"), f.srv->port()});
  auto start = std::chrono::steady_clock::now();
  std::string out;
  net::error_code ec;
  net::asio::read(s, net::asio::dynamic_buffer(out), ec);  // returns when the server closes
  EXPECT_EQ(ec, net::asio::error::eof);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace gh::http
