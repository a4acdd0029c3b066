#include "http/client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include "gateway/net.hpp"

namespace gh::http {
namespace {

namespace asio = net::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using net::tcp;
using net::use_nothrow;
using reply = expected<client_reply, std::string>;

std::string host_header(const url_parts& u) {
  bool v6 = u.host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + u.host + "]" : u.host;
  bool default_port = (u.https && u.port == "443") || (!u.https && u.port == "80");
  return default_port ? h : h + ":" + u.port;
}

std::string join(std::string_view base, std::string_view path) {
  if (path.empty()) return std::string(base);
  std::string out(base);
  if (!out.empty() && out.back() == '/' && path.front() == '/') out.pop_back();
  return out + std::string(path);
}

template <class Stream>
net::awaitable<reply> exchange(Stream& stream, const url_parts& u, request req,
                               std::size_t response_max) {
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use_nothrow);
  if (wec) co_return unexpected("cannot send the request to " + u.origin() + ": " + wec.message());
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(response_max);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_nothrow);
  if (rec) co_return unexpected("no valid answer from " + u.origin() + ": " + rec.message());
  auto res = parser.release();
  client_reply out;
  out.status = res.result_int();
  if (auto it = res.find(bhttp::field::content_type); it != res.end())
    out.content_type = it->value();
  out.body = std::move(res.body());
  co_return out;
}

net::awaitable<reply> run(const url_parts& u, request req, const client_options& o,
                          ssl::context* tls) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [ec, endpoints] = co_await resolver.async_resolve(u.host, u.port, use_nothrow);
  if (ec) co_return unexpected("cannot resolve " + u.origin() + ": " + ec.message());
  beast::tcp_stream tcp_stream(ex);
  auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, use_nothrow);
  if (cec) co_return unexpected("cannot connect to " + u.origin() + ": " + cec.message());
  if (!tls) co_return co_await exchange(tcp_stream, u, std::move(req), o.response_max);

  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *tls);
  net::error_code not_ip;
  asio::ip::make_address(u.host, not_ip);
  // SNI for names only (RFC 6066 §3: no IP literals); the name or address is
  // checked against the certificate either way.
  if (not_ip && !SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str()))
    co_return unexpected("cannot set the TLS server name for " + u.origin());
  stream.set_verify_callback(ssl::host_name_verification(u.host));
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_nothrow);
  if (hec) co_return unexpected("TLS with " + u.origin() + " failed: " + hec.message());
  auto r = co_await exchange(stream, u, std::move(req), o.response_max);
  co_await stream.async_shutdown(use_nothrow);
  co_return r;
}

}  // namespace

std::string url_parts::origin() const {
  bool v6 = host.find(':') != std::string::npos;
  return std::string(https ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" + port;
}

expected<url_parts, std::string> parse_url(std::string_view text) {
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u) return unexpected(std::string("not a URL"));
  url_parts out;
  if (u->scheme_id() == boost::urls::scheme::https)
    out.https = true;
  else if (u->scheme_id() != boost::urls::scheme::http)
    return unexpected(std::string("not an http:// or https:// URL"));
  if (u->has_userinfo())
    return unexpected(std::string("a URL with user:password@ is not accepted"));
  out.host = u->host_address();
  if (out.host.empty()) return unexpected(std::string("the URL has no host"));
  out.port = u->has_port() ? std::string(u->port()) : (out.https ? "443" : "80");
  out.target = std::string(u->encoded_path());
  if (out.target.empty()) out.target = "/";
  if (u->has_query()) out.target += "?" + std::string(u->encoded_query());
  return out;
}

expected<client_reply, std::string> send(const url_parts& base, verb method, std::string_view path,
                                         std::string body, const std::string& bearer,
                                         const client_options& options) {
  request req{method, join(base.target, path), 11};
  req.set(bhttp::field::host, host_header(base));
  req.set(bhttp::field::user_agent, "gatehouse");
  req.set(bhttp::field::accept, "application/json");
  if (!bearer.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer);
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.keep_alive(false);
  req.prepare_payload();

  std::unique_ptr<ssl::context> tls;
  if (base.https) {
    tls = std::make_unique<ssl::context>(ssl::context::tls_client);
    tls->set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                     ssl::context::no_tlsv1_1);
    tls->set_verify_mode(ssl::verify_peer);
    net::error_code ec;
    if (options.ca_file.empty())
      tls->set_default_verify_paths(ec);
    else
      tls->load_verify_file(options.ca_file, ec);
    if (ec) return unexpected("cannot load the CA file " + options.ca_file + ": " + ec.message());
  }

  asio::io_context io;
  reply result = unexpected("no answer from " + base.origin() + " within " +
                            std::to_string(options.timeout.count()) + " ms");
  asio::co_spawn(io, run(base, std::move(req), options, tls.get()),
                 [&](std::exception_ptr e, reply r) {
                   if (e)
                     result = unexpected("the request to " + base.origin() + " failed");
                   else
                     result = std::move(r);
                 });
  // One deadline for everything: resolve, connect, TLS, request, response.
  io.run_for(options.timeout);
  return result;
}

}  // namespace gh::http
