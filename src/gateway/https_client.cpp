#include "gateway/https_client.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "gateway/https_client_url.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using net::tcp;
using net::use_nothrow;
using clock_type = std::chrono::steady_clock;
using response = http::response<http::string_body>;

fetch_failure failure(fetch_error reason, std::string detail = {}) { return {reason, std::move(detail)}; }

// A timeout shows as beast::error::timeout from the stream, or as a cancelled
// operation once the watchdog fired.
fetch_failure io_failure(const net::error_code& ec, fetch_error otherwise, bool deadline_passed) {
  if (ec == beast::error::timeout || deadline_passed) return failure(fetch_error::timeout);
  return failure(otherwise, ec.message());
}

fetch_failure from(fetch_target_error e) {
  return failure(e == fetch_target_error::plain_http_refused ? fetch_error::plain_http_refused
                                                             : fetch_error::bad_url);
}

net::awaitable<expected<tcp::resolver::results_type, fetch_failure>> resolve(const fetch_target& t,
                                                                             clock_type::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  asio::steady_timer watchdog(ex, deadline);
  // getaddrinfo has no timeout of its own: cancel it when the deadline passes.
  watchdog.async_wait([&resolver](net::error_code ec) {
    if (!ec) resolver.cancel();
  });
  auto [ec, results] = co_await resolver.async_resolve(t.host, std::to_string(t.port), use_nothrow);
  watchdog.cancel();
  if (ec) co_return unexpected(io_failure(ec, fetch_error::resolve_failed, clock_type::now() >= deadline));
  // Plain http only to loopback: a name must not resolve anywhere else.
  if (!t.https)
    for (const auto& entry : results)
      if (!entry.endpoint().address().is_loopback())
        co_return unexpected(failure(fetch_error::plain_http_refused, t.host + " resolves off loopback"));
  co_return results;
}

template <class Stream>
net::awaitable<expected<response, fetch_failure>> exchange(Stream& stream, const fetch_target& t,
                                                          const fetch_limits& limits) {
  http::request<http::empty_body> req{http::verb::get, t.request_target, 11};
  req.set(http::field::host, t.host_header);
  req.set(http::field::user_agent, "gatehouse");
  req.set(http::field::accept, "application/json");
  req.set(http::field::connection, "close");
  auto [wec, written] = co_await http::async_write(stream, req, use_nothrow);
  if (wec) co_return unexpected(io_failure(wec, fetch_error::io_failed, false));

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_max));
  parser.body_limit(limits.body_max);
  auto [rec, read] = co_await http::async_read(stream, buffer, parser, use_nothrow);
  if (rec == http::error::body_limit)
    co_return unexpected(failure(fetch_error::too_large, "more than " + std::to_string(limits.body_max) + " bytes"));
  if (rec == http::error::header_limit) co_return unexpected(failure(fetch_error::bad_response, "headers too large"));
  if (rec && rec.category() == http::make_error_code(http::error::bad_target).category())  // a parse error
    co_return unexpected(failure(fetch_error::bad_response, rec.message()));
  if (rec) co_return unexpected(io_failure(rec, fetch_error::io_failed, false));
  co_return parser.release();
}

void verify_name(ssl::stream<beast::tcp_stream>& s, const fetch_target& t) {
  SSL* native = s.native_handle();
  if (!t.host_is_ip) SSL_set_tlsext_host_name(native, t.host.c_str());
  X509_VERIFY_PARAM* param = SSL_get0_param(native);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (t.host_is_ip) X509_VERIFY_PARAM_set1_ip_asc(param, t.host.c_str());
  else X509_VERIFY_PARAM_set1_host(param, t.host.c_str(), t.host.size());
  s.set_verify_mode(ssl::verify_peer);
}

std::string tls_detail(ssl::stream<beast::tcp_stream>& s, const net::error_code& ec) {
  long verdict = SSL_get_verify_result(s.native_handle());
  if (verdict != X509_V_OK) return std::string("certificate not trusted: ") + X509_verify_cert_error_string(verdict);
  return ec.message();
}

}  // namespace

std::string_view describe(fetch_error e) {
  switch (e) {
    case fetch_error::bad_url: return "not an absolute http(s) URL with a host";
    case fetch_error::plain_http_refused: return "plain http is only allowed to loopback";
    case fetch_error::resolve_failed: return "cannot resolve the host";
    case fetch_error::connect_failed: return "cannot connect";
    case fetch_error::tls_failed: return "TLS handshake failed";
    case fetch_error::timeout: return "timed out";
    case fetch_error::io_failed: return "connection failed during the exchange";
    case fetch_error::bad_response: return "not a valid HTTP response";
    case fetch_error::too_large: return "response body too large";
    case fetch_error::bad_status: return "unexpected HTTP status";
    case fetch_error::redirect_refused: return "redirect refused (another origin, or too many)";
  }
  return "fetch failed";
}

std::string to_string(const fetch_failure& f) {
  std::string out(describe(f.reason));
  if (!f.detail.empty()) out += ": " + f.detail;
  return out;
}

std::shared_ptr<ssl::context> make_client_tls(const std::string& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  net::error_code ec;
  if (ca_file.empty()) ctx->set_default_verify_paths(ec);
  else ctx->load_verify_file(ca_file, ec);
  if (ec)
    throw std::runtime_error("cannot load " + (ca_file.empty() ? std::string("the system's CA certificates")
                                                               : "CA file " + ca_file) + ": " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

net::awaitable<expected<std::string, fetch_failure>> https_client::get(std::string url,
                                                                       fetch_limits limits) const {
  const auto deadline = clock_type::now() + limits.timeout;
  auto first = parse_fetch_target(url);
  if (!first) co_return unexpected(from(first.error()));
  const fetch_target origin = *first;
  fetch_target t = origin;
  for (int hop = 0;; ++hop) {
    auto endpoints = co_await resolve(t, deadline);
    if (!endpoints) co_return unexpected(std::move(endpoints.error()));
    beast::tcp_stream tcp_stream(co_await asio::this_coro::executor);
    tcp_stream.expires_at(deadline);  // for every operation from here on
    auto [cec, ep] = co_await tcp_stream.async_connect(*endpoints, use_nothrow);
    if (cec) co_return unexpected(io_failure(cec, fetch_error::connect_failed, false));

    expected<response, fetch_failure> res = unexpected(failure(fetch_error::io_failed));
    if (t.https) {
      ssl::stream<beast::tcp_stream> tls(std::move(tcp_stream), *tls_);
      verify_name(tls, t);
      auto [hec] = co_await tls.async_handshake(ssl::stream_base::client, use_nothrow);
      if (hec == beast::error::timeout) co_return unexpected(failure(fetch_error::timeout));
      if (hec) co_return unexpected(failure(fetch_error::tls_failed, tls_detail(tls, hec)));
      res = co_await exchange(tls, t, limits);
      // No close_notify exchange: the whole body is read, and waiting for the
      // server's answer would only spend the deadline.
    } else {
      res = co_await exchange(tcp_stream, t, limits);
    }
    if (!res) co_return unexpected(std::move(res.error()));

    const unsigned status = res->result_int();
    if (status == 200) co_return std::move(res->body());
    const bool redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    if (!redirect) co_return unexpected(failure(fetch_error::bad_status, "HTTP " + std::to_string(status)));
    auto location = (*res)[http::field::location];
    if (hop >= limits.redirects_max || location.empty())
      co_return unexpected(failure(fetch_error::redirect_refused, "HTTP " + std::to_string(status)));
    auto next_url = resolve_location(url, std::string_view(location.data(), location.size()));
    if (!next_url) co_return unexpected(failure(fetch_error::redirect_refused, "bad Location"));
    auto next = parse_fetch_target(*next_url);
    if (!next || !next->same_origin(origin))
      co_return unexpected(failure(fetch_error::redirect_refused, "to another origin"));
    url = std::move(*next_url);
    t = std::move(*next);
  }
}

}  // namespace gh::gateway
