#include "gateway/mysql_upstream.hpp"

#include <boost/asio/connect.hpp>

#include "gateway/close_at.hpp"
#include "gateway/mysql_io.hpp"
#include "wire/mysql/auth.hpp"
#include "wire/mysql/generic.hpp"
#include "wire/mysql/handshake.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
namespace mysql = wire::mysql;
using net::tcp;
using net::use_nothrow;

constexpr std::size_t auth_reply_max = 64 * 1024;  // an RSA key in PEM at most

// Capabilities the gateway always asks of a server, whatever the client
// negotiated: it speaks the 4.1 protocol with pluggable authentication, and
// it follows the session through the server's state reports.
constexpr mysql::capabilities required_server_caps =
    mysql::cap::protocol_41 | mysql::cap::secure_connection | mysql::cap::plugin_auth | mysql::cap::session_track;

// Client capabilities the upstream session mirrors: those that change what
// the server sends back or how it reads statements. The rest only concern
// the client's own handshake (TLS, attributes, expired passwords).
constexpr mysql::capabilities mirrored_caps =
    mysql::cap::found_rows | mysql::cap::long_flag | mysql::cap::no_schema | mysql::cap::odbc |
    mysql::cap::ignore_space | mysql::cap::interactive | mysql::cap::transactions |
    mysql::cap::multi_statements | mysql::cap::multi_results | mysql::cap::ps_multi_results |
    mysql::cap::deprecate_eof;

// Of those, the ones the responses cannot be relayed without.
constexpr mysql::capabilities shape_caps =
    mysql::cap::multi_results | mysql::cap::ps_multi_results | mysql::cap::deprecate_eof;

std::string endpoint_text(const mysql_upstream_settings& s) { return s.host + ":" + std::to_string(s.port); }

mysql_upstream_failure lost(std::string_view conn, std::string detail) {
  return {2013, "HY000", "gatehouse: the database behind connection \"" + std::string(conn) +
                             "\" ended the connection during startup",
          std::move(detail)};
}

net::awaitable<expected<tcp::socket, std::string>> connect_with_deadline(const mysql_upstream_settings& s) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(s.host, std::to_string(s.port), use_nothrow);
  if (rec) co_return unexpected("cannot resolve " + s.host + ": " + rec.message());
  tcp::socket sock(ex);
  close_at deadline(ex, std::chrono::steady_clock::now() + s.connect_timeout, [&sock] {
    net::error_code ignored;
    sock.close(ignored);
  });
  auto [cec, ep] = co_await asio::async_connect(sock, endpoints, use_nothrow);
  deadline.disarm();
  if (deadline.fired()) co_return unexpected("connecting to " + endpoint_text(s) + " timed out");
  if (cec) co_return unexpected("cannot connect to " + endpoint_text(s) + ": " + cec.message());
  net::error_code ignored;
  sock.set_option(tcp::no_delay(true), ignored);
  co_return std::move(sock);
}

bool loopback_host(const std::string& host) {
  net::error_code ec;
  auto a = asio::ip::make_address(host, ec);
  return (!ec && a.is_loopback()) || host == "localhost";
}

// One authentication exchange, from the server's first auth answer to its OK.
class authenticator {
 public:
  authenticator(const mysql_upstream_settings& s, mysql_stream& stream, io_buffer& buf, std::string_view conn)
      : s_(s), stream_(stream), buf_(buf), conn_(conn) {}

  // The first response's data for `plugin` (the handshake's), or why not.
  expected<std::string, std::string> respond(std::string_view plugin, std::string_view nonce) {
    plugin_.assign(plugin);
    nonce_.assign(nonce.substr(0, 20));
    if (plugin == mysql::native_password_plugin) return mysql::native_password_response(s_.password, nonce_);
    if (plugin == mysql::caching_sha2_plugin) return mysql::caching_sha2_response(s_.password, nonce_);
    if (plugin == mysql::clear_password_plugin) {
      // The password in clear: only inside TLS or to this host.
      if (!stream_.tls() && !loopback_host(s_.host))
        return unexpected(std::string("the server asks for the password in clear (mysql_clear_password) "
                                      "over a connection without TLS"));
      return mysql::clear_password_response(s_.password);
    }
    return unexpected("the server asks for an authentication method the gateway does not speak (" +
                      std::string(plugin) + ")");
  }

  // Follows the server until OK. `seq` is the sequence id of the last packet sent.
  net::awaitable<expected<mysql::ok_packet, mysql_upstream_failure>> finish(std::uint8_t seq, mysql::capabilities caps) {
    for (int round = 0; round < 8; ++round) {
      auto f = co_await read_mysql_message(stream_, buf_, auth_reply_max);
      if (!f) co_return unexpected(lost(conn_, endpoint_text(s_) + ": no answer to authentication"));
      const bytes_view p = mysql_payload(buf_, *f, scratch_);
      seq = f->last_sequence;
      std::string reply;
      const std::uint8_t h = p.empty() ? 0 : p[0];
      if (h == mysql::header::ok) {
        auto ok = mysql::decode_ok(p, caps);
        buf_.consume(f->size);
        if (!ok) co_return unexpected(lost(conn_, endpoint_text(s_) + ": malformed OK"));
        co_return *ok;
      }
      if (h == mysql::header::err) {
        auto e = mysql::decode_err(p);
        std::string why = e ? std::to_string(e->code) + " " + std::string(e->message) : "unreadable error";
        buf_.consume(f->size);
        co_return unexpected(mysql_upstream_failure{
            1045, "08004", "gatehouse: the database refused the gateway's credentials for connection \"" +
                               std::string(conn_) + "\"",
            endpoint_text(s_) + ": " + why});
      }
      if (h == mysql::header::eof) {
        auto sw = mysql::decode_auth_switch_request(p);
        if (!sw) co_return unexpected(lost(conn_, endpoint_text(s_) + ": malformed AuthSwitchRequest"));
        auto r = respond(sw->plugin, sw->data);
        if (!r) co_return unexpected(lost(conn_, endpoint_text(s_) + ": " + r.error()));
        reply = std::move(*r);
      } else if (h == mysql::header::auth_more_data && plugin_ == mysql::caching_sha2_plugin) {
        auto more = mysql::decode_auth_more_data(p);
        auto r = caching_sha2_step(more ? *more : std::string_view());
        if (!r) co_return unexpected(lost(conn_, endpoint_text(s_) + ": " + r.error()));
        if (!r->has_value()) {  // fast authentication succeeded: the OK follows
          buf_.consume(f->size);
          continue;
        }
        reply = std::move(**r);
      } else {
        co_return unexpected(lost(conn_, endpoint_text(s_) + ": unexpected packet during authentication"));
      }
      buf_.consume(f->size);
      if (auto ec = co_await write_mysql_message(stream_, static_cast<std::uint8_t>(seq + 1), reply))
        co_return unexpected(lost(conn_, endpoint_text(s_) + ": " + ec.message()));
    }
    co_return unexpected(lost(conn_, endpoint_text(s_) + ": too many authentication rounds"));
  }

 private:
  // caching_sha2_password after the scramble: nullopt to wait for the OK,
  // else what to send.
  expected<std::optional<std::string>, std::string> caching_sha2_step(std::string_view data) {
    if (awaiting_key_) {
      auto enc = mysql::rsa_encrypt_password(data, s_.password, nonce_);
      if (!enc) return unexpected("RSA encryption of the password failed: " + std::string(mysql::describe(enc.error())));
      awaiting_key_ = false;
      return std::optional<std::string>(std::move(*enc));
    }
    if (data.size() == 1 && data[0] == mysql::caching_sha2::fast_auth_success) return std::optional<std::string>();
    if (data.size() == 1 && data[0] == mysql::caching_sha2::perform_full_authentication) {
      if (stream_.tls()) return std::optional<std::string>(s_.password + '\0');
      awaiting_key_ = true;  // the server's public key comes next (unverified; see the header)
      return std::optional<std::string>(std::string(1, static_cast<char>(mysql::caching_sha2::request_public_key)));
    }
    return unexpected(std::string("unexpected caching_sha2_password data"));
  }

  const mysql_upstream_settings& s_;
  mysql_stream& stream_;
  io_buffer& buf_;
  std::string_view conn_;
  std::string plugin_;
  std::string nonce_;
  std::string scratch_;
  bool awaiting_key_ = false;
};

// The capabilities the gateway asks of the server, or why it cannot relay.
expected<mysql::capabilities, std::string> upstream_caps(const mysql_upstream_settings& s,
                                                         mysql::capabilities server) {
  if ((server & required_server_caps) != required_server_caps)
    return unexpected(std::string("the server lacks a capability the gateway needs (4.1 protocol, pluggable "
                                  "authentication, session state tracking: MySQL 5.7 / MariaDB 10.2 or later)"));
  const mysql::capabilities wanted = s.client_caps & mirrored_caps;
  if ((wanted & shape_caps & ~server) != 0)
    return unexpected(std::string("the server lacks a capability the client negotiated (multi-results or "
                                  "CLIENT_DEPRECATE_EOF)"));
  const mysql::capabilities offered =
      mysql::cap::connect_with_db | mysql::cap::transactions | mysql::cap::plugin_auth_lenenc_client_data;
  // CLIENT_MYSQL (long_password) set: the gateway is a MySQL-style client and
  // negotiates none of MariaDB's extended capabilities (metadata caching...).
  return (wanted & server) | required_server_caps | (offered & server) | mysql::cap::long_password;
}

// The handshake, authentication and pinning on a connected socket.
net::awaitable<expected<void, mysql_upstream_failure>> start_session(mysql_upstream& up,
                                                                    const mysql_upstream_settings& s,
                                                                    const std::string& conn) {
  io_buffer buf(8192);
  std::string scratch;

  auto hf = co_await read_mysql_message(*up.stream, buf, auth_reply_max);
  if (!hf) co_return unexpected(lost(conn, endpoint_text(s) + ": no handshake"));
  const bytes_view hp = mysql_payload(buf, *hf, scratch);
  if (!hp.empty() && hp[0] == mysql::header::err) {
    auto e = mysql::decode_err(hp);
    co_return unexpected(mysql_upstream_failure{
        1040, "08004", "gatehouse: the database behind connection \"" + conn + "\" refused the connection",
        endpoint_text(s) + ": " + (e ? std::string(e->message) : std::string("unreadable error"))});
  }
  auto hs = mysql::decode_handshake(hp);
  buf.consume(hf->size);
  if (!hs) co_return unexpected(lost(conn, endpoint_text(s) + ": malformed handshake"));
  up.server_version = hs->server_version;
  up.thread_id = hs->connection_id;
  auto caps = upstream_caps(s, hs->caps);
  if (!caps) co_return unexpected(lost(conn, endpoint_text(s) + ": " + caps.error()));
  up.caps = *caps;

  mysql::handshake_response resp;
  resp.caps = up.caps;
  resp.max_packet_size = 1 << 30;
  resp.collation = s.collation;
  resp.user = s.user;
  resp.database = s.database;
  std::uint8_t seq = 1;
  using config::upstream_tls;
  if (s.tls_mode != upstream_tls::disable && !s.tls)  // never plain instead: a caller's slip must not turn TLS off
    co_return unexpected(lost(conn, "connection has no TLS context"));
  if (!(hs->caps & mysql::cap::ssl) && config::requires_tls(s.tls_mode))
    co_return unexpected(mysql_upstream_failure{
        2026, "HY000",
        "gatehouse: the database behind connection \"" + std::string(conn) + "\" does not offer TLS, which its tls: " +
            std::string(config::to_string(s.tls_mode)) + " requires",
        endpoint_text(s) + ": the server's handshake has no CLIENT_SSL"});
  if ((hs->caps & mysql::cap::ssl) && s.tls_mode != upstream_tls::disable) {
    // A server waits for the client after its greeting: bytes already here
    // came from something between us, and must not be read as the server's
    // once TLS is up (the CVE-2021-23222 class).
    if (buf.size() != 0)
      co_return unexpected(lost(conn, endpoint_text(s) + ": bytes after the greeting, before TLS"));
    resp.caps |= mysql::cap::ssl;
    up.caps |= mysql::cap::ssl;
    std::string ssl_req;
    mysql::encode_ssl_request_payload(ssl_req, resp);
    if (auto ec = co_await write_mysql_message(*up.stream, seq++, ssl_req))
      co_return unexpected(lost(conn, endpoint_text(s) + ": " + ec.message()));
    net::error_code ip_ec;
    asio::ip::make_address(s.host, ip_ec);
    const std::string sni = ip_ec ? s.host : std::string();  // outside the co_await: see mysql_session.cpp
    const std::string verify_name = s.tls_mode == upstream_tls::verify_full ? s.host : std::string();
    if (auto ec = co_await up.stream->connect_tls(*s.tls, sni, verify_name)) {
      if (config::verifies(s.tls_mode) && up.stream->certificate_refused())
        co_return unexpected(mysql_upstream_failure{
            2026, "HY000",
            "gatehouse: the database behind connection \"" + std::string(conn) +
                "\" presented a certificate that is not trusted (tls: " +
                std::string(config::to_string(s.tls_mode)) + ")",
            endpoint_text(s) + ": " + up.stream->tls_failure(ec)});
      co_return unexpected(lost(conn, endpoint_text(s) + ": TLS handshake failed: " + up.stream->tls_failure(ec)));
    }
  }
  authenticator auth(s, *up.stream, buf, conn);
  auto first = auth.respond(hs->auth_plugin_name, hs->auth_plugin_data);
  // A plugin the gateway does not speak may still be switched by the server:
  // answer with an empty response and let it ask for another.
  const std::string data = first ? *first : std::string();
  resp.auth_response = data;
  resp.auth_plugin = hs->auth_plugin_name;
  std::string out;
  mysql::encode_handshake_response_payload(out, resp);
  if (auto ec = co_await write_mysql_message(*up.stream, seq, out))
    co_return unexpected(lost(conn, endpoint_text(s) + ": " + ec.message()));
  auto ok = co_await auth.finish(seq, up.caps);
  if (!ok) co_return unexpected(std::move(ok.error()));
  up.status = ok->status;
  if (buf.size() != 0) co_return unexpected(lost(conn, endpoint_text(s) + ": unexpected bytes after authentication"));
  co_return co_await pin_mysql_session(up, buf, s, conn);
}

// Closes the upstream socket when the session's start-up deadline passes, so
// that a server that accepts and then says nothing cannot hold the session.
// Shared with the timer's handler, which may run after the coroutine is gone.
struct startup_guard {
  mysql_stream* stream = nullptr;
  bool done = false;
  bool timed_out = false;
};

}  // namespace

net::awaitable<expected<mysql_upstream, mysql_upstream_failure>> open_mysql_upstream(
    const mysql_upstream_settings& s, std::string_view connection_name) {
  const std::string conn(connection_name);
  auto sock = co_await connect_with_deadline(s);
  if (!sock)
    co_return unexpected(mysql_upstream_failure{
        2003, "HY000", "gatehouse: the database behind connection \"" + conn + "\" is unreachable", sock.error()});
  mysql_upstream up;
  up.stream = std::make_unique<mysql_stream>(std::move(*sock));
  auto guard = std::make_shared<startup_guard>();
  guard->stream = up.stream.get();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(s.deadline);
  timer.async_wait([guard](net::error_code ec) {
    if (ec || guard->done) return;
    guard->timed_out = true;
    guard->stream->close();
  });
  auto started = co_await start_session(up, s, conn);
  guard->done = true;
  timer.cancel();
  if (guard->timed_out)
    co_return unexpected(lost(conn, endpoint_text(s) + ": the server did not finish the session's start-up in time"));
  if (!started) co_return unexpected(std::move(started.error()));
  co_return std::move(up);
}

}  // namespace gh::gateway
