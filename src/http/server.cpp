#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cctype>

namespace gh::http {
namespace {

namespace asio = net::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using net::tcp;
using net::use_nothrow;

expected<std::unique_ptr<ssl::context>, std::string> make_tls(const config::tls_files& files) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  net::error_code ec;
  ctx->use_certificate_chain_file(files.cert, ec);
  if (ec) return unexpected("cannot load TLS certificate " + files.cert + ": " + ec.message());
  ctx->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) return unexpected("cannot load TLS key " + files.key + ": " + ec.message());
  return ctx;
}

bool is_http_protocol_error(const net::error_code& ec) {
  return &ec.category() == &beast::http::make_error_code(beast::http::error::bad_method).category();
}

// The target as logged: the path and query up to 200 bytes. Queries hold
// filters (state, principal, rule), never credentials.
std::string loggable(std::string_view target) { return std::string(target.substr(0, 200)); }

}  // namespace

bool may_carry_credentials(bool tls, const net::asio::ip::address& peer) {
  if (tls) return true;
  if (peer.is_v6() && peer.to_v6().is_v4_mapped())  // ::ffff:127.0.0.1, dual-stack
    return net::asio::ip::make_address_v4(net::asio::ip::v4_mapped, peer.to_v6()).is_loopback();
  return peer.is_loopback();
}

std::optional<std::string_view> bearer_token(const request& req) {
  auto it = req.find(bhttp::field::authorization);
  if (it == req.end()) return std::nullopt;
  std::string_view v = it->value();
  constexpr std::string_view scheme = "bearer";
  if (v.size() <= scheme.size() || v[scheme.size()] != ' ') return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(v[i])) != scheme[i]) return std::nullopt;
  v.remove_prefix(scheme.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty() || v.find(' ') != std::string_view::npos) return std::nullopt;
  return v;
}

server::server(net::asio::io_context& io, api& routes, authenticator auth, server_limits limits)
    : io_(io), routes_(routes), auth_(std::move(auth)), limits_(limits), acceptor_(io) {}

server::~server() = default;

expected<std::unique_ptr<server>, std::string> server::bind(net::asio::io_context& io,
                                                            const config::http_listener& listen,
                                                            api& routes, authenticator auth,
                                                            server_limits limits) {
  std::unique_ptr<server> s(new server(io, routes, std::move(auth), limits));
  if (listen.tls) {
    auto ctx = make_tls(*listen.tls);
    if (!ctx) return unexpected(ctx.error());
    s->tls_ = std::move(*ctx);
  }
  net::error_code ec;
  auto addr = asio::ip::make_address(listen.host, ec);
  if (ec) return unexpected("gateway.http.listen: \"" + listen.host + "\" is not an IP address");
  tcp::endpoint ep(addr, listen.port);
  auto where = listen.host + ":" + std::to_string(listen.port);
  if (s->acceptor_.open(ep.protocol(), ec); ec)
    return unexpected("cannot listen on " + where + ": " + ec.message());
  s->acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (s->acceptor_.bind(ep, ec); ec)
    return unexpected("cannot listen on " + where + ": " + ec.message());
  if (s->acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec)
    return unexpected("cannot listen on " + where + ": " + ec.message());
  return s;
}

std::uint16_t server::port() const {
  net::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void server::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

void server::stop() {
  net::error_code ignored;
  acceptor_.close(ignored);
}

net::awaitable<void> server::accept_loop() {
  asio::steady_timer backoff(io_);
  for (;;) {
    auto [ec, sock] = co_await acceptor_.async_accept(use_nothrow);
    if (!acceptor_.is_open() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // EMFILE and the like: wait a little rather than spin.
      spdlog::warn("http: accept failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(use_nothrow);
      continue;
    }
    if (open_.load() >= limits_.connections_max) {
      spdlog::warn("http: connection refused: {} already open", limits_.connections_max);
      continue;  // the socket closes as it goes out of scope
    }
    asio::co_spawn(io_, session(std::move(sock)), asio::detached);
  }
}

net::awaitable<void> server::session(tcp::socket sock) {
  open_.fetch_add(1);
  net::error_code ec;
  auto ep = sock.remote_endpoint(ec);
  std::string client =
      ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  bool secure = !ec && may_carry_credentials(tls_ != nullptr, ep.address());
  beast::tcp_stream plain(std::move(sock));
  if (!tls_) {
    co_await serve(plain, client, secure);
    plain.socket().shutdown(tcp::socket::shutdown_send, ec);
  } else {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(plain), *tls_);
    beast::get_lowest_layer(stream).expires_after(limits_.io_timeout);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_nothrow);
    if (hec) {
      spdlog::info("http {}: TLS handshake failed: {}", client, hec.message());
    } else {
      co_await serve(stream, client, secure);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
      co_await stream.async_shutdown(use_nothrow);
    }
  }
  open_.fetch_sub(1);
}

template <class Stream>
net::awaitable<void> server::serve(Stream& stream, const std::string& client, bool secure) {
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(limits_.header_max);
    parser.body_limit(limits_.body_max);
    beast::get_lowest_layer(stream).expires_after(limits_.io_timeout);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_nothrow);
    response res;
    bool keep_alive = false;
    std::string who;
    auto started = std::chrono::steady_clock::now();
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof)
      co_return;
    if (ec == bhttp::error::body_limit) {
      res = error_response(status::payload_too_large, "payload_too_large",
                           "the body is over " + std::to_string(limits_.body_max) + " bytes");
    } else if (ec == bhttp::error::header_limit) {
      res = error_response(status::request_header_fields_too_large, "header_too_large",
                           "the header is over " + std::to_string(limits_.header_max) + " bytes");
    } else if (ec && is_http_protocol_error(ec)) {
      res = error_response(status::bad_request, "bad_request",
                           "malformed HTTP request: " + ec.message());
    } else if (ec) {
      co_return;  // reset, TLS truncation: nobody to answer
    } else {
      request req = parser.release();
      res = co_await respond(req, who, secure);
      keep_alive = req.keep_alive();
      res.version(req.version());
      if (req.method() == verb::head) res.body().clear();
      spdlog::info("http {} {} {} {} -> {} ({} ms)", client, who.empty() ? "-" : who,
                   std::string(req.method_string()), loggable(req.target()), res.result_int(),
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count());
    }
    res.keep_alive(keep_alive);
    beast::get_lowest_layer(stream).expires_after(limits_.io_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, use_nothrow);
    if (wec || !keep_alive) co_return;
  }
}

net::awaitable<response> server::respond(const request& req, std::string& who, bool secure) {
  if (auto r = routes_.public_route(req)) co_return std::move(*r);
  // A token that crossed the network in clear is not acted on (the
  // PostgreSQL listener's rule): it is not even checked.
  if (!secure)
    co_return error_response(status::forbidden, "tls_required",
                             "tokens are accepted over TLS only from other hosts: the gateway "
                             "needs gateway.http.tls (or a TLS proxy on its own host)");
  auto token = bearer_token(req);
  if (!token)
    co_return unauthorized("send Authorization: Bearer <token>: a service token or an OIDC token");
  auto caller = co_await auth_(std::string(*token));
  if (!caller)
    co_return unauthorized("the bearer token names no principal (unknown, expired or malformed)");
  who = caller->name;
  co_return routes_.handle(req, *caller);
}

}  // namespace gh::http
