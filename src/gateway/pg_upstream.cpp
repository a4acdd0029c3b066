#include "gateway/pg_upstream.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "gateway/close_at.hpp"
#include "gateway/io_buffer.hpp"
#include "wire/pg/backend.hpp"
#include "wire/pg/framing.hpp"
#include "wire/pg/frontend.hpp"
#include "wire/pg/scram.hpp"
#include "wire/pg/startup.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
using net::tcp;
using net::use_nothrow;
namespace pg = wire::pg;

constexpr std::uint32_t startup_reply_max = 1 << 20;

upstream_failure failure(std::string sqlstate, std::string message, std::string detail) {
  return {std::move(sqlstate), std::move(message), std::move(detail)};
}

std::string endpoint_text(const upstream_settings& s) {
  return s.host + ":" + std::to_string(s.port);
}

// Connects with a deadline; the resolver handles names and literals alike.
net::awaitable<expected<tcp::socket, std::string>> connect_with_deadline(
    const upstream_settings& s) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] =
      co_await resolver.async_resolve(s.host, std::to_string(s.port), use_nothrow);
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

// Reads one typed message from the upstream during startup.
template <class Stream>
net::awaitable<expected<pg::frame, std::string>> read_frame(Stream& sock, io_buffer& buf) {
  for (;;) {
    pg::frame f = pg::next_message(buf.readable(), startup_reply_max);
    if (f.status == pg::frame_status::ready) co_return f;
    if (f.status == pg::frame_status::error)
      co_return unexpected(std::string("malformed message from the server: ") +
                           std::string(pg::describe(f.error)));
    if (!buf.make_room(startup_reply_max)) co_return unexpected(std::string("server message too large"));
    auto [ec, n] = co_await sock.async_read_some(asio::buffer(buf.write_ptr(), buf.write_space()), use_nothrow);
    if (ec) co_return unexpected("connection to the server lost: " + ec.message());
    buf.commit(n);
  }
}

template <class Stream>
net::awaitable<net::error_code> send(Stream& sock, const std::string& bytes) {
  auto [ec, n] = co_await asio::async_write(sock, asio::buffer(bytes), use_nothrow);
  co_return ec;
}

// SSLRequest, then the handshake when the server answers S. Exactly one
// byte of the answer is read, so nothing the server (or a man in the middle)
// sends before the handshake is taken as part of the session. The handshake
// has the connect timeout of its own.
net::awaitable<expected<void, upstream_failure>> start_tls(const upstream_settings& s, const std::string& conn,
                                                           upstream_session& up) {
  using config::upstream_tls;
  const auto refused = [&](std::string message, std::string detail) {
    return unexpected(failure("08001", std::move(message), endpoint_text(s) + ": " + std::move(detail)));
  };
  close_at deadline(co_await asio::this_coro::executor, std::chrono::steady_clock::now() + s.connect_timeout,
                    [&up] {
                      net::error_code ignored;
                      (up.tls ? up.tls->next_layer() : up.socket).close(ignored);
                    });

  const std::string request = pg::encode_ssl_request();
  char answer = 0;
  if (auto ec = co_await send(up.socket, request))
    co_return refused("the database behind connection \"" + conn + "\" closed the connection", ec.message());
  auto [rec, n] = co_await asio::async_read(up.socket, asio::buffer(&answer, 1), use_nothrow);
  if (rec)
    co_return refused("the database behind connection \"" + conn + "\" closed the connection",
                      deadline.fired() ? std::string("no answer to SSLRequest in time") : rec.message());
  if (answer == 'N') {
    if (s.tls == upstream_tls::prefer) co_return expected<void, upstream_failure>();
    co_return refused("the database behind connection \"" + conn + "\" does not offer TLS, which its tls: " +
                          std::string(config::to_string(s.tls)) + " requires",
                      "the server answered N to SSLRequest");
  }
  if (answer != 'S')
    co_return refused("the database behind connection \"" + conn + "\" answered the TLS request with nonsense",
                      std::string("SSLRequest answered with byte ") + std::to_string(static_cast<unsigned char>(answer)));
  up.tls = std::make_unique<connector::tls_stream>(std::move(up.socket), *s.tls_context);
  if (s.tls == upstream_tls::verify_full && !connector::expect_peer_name(*up.tls, s.host))
    co_return refused("connection \"" + conn + "\": its host cannot be checked against a certificate (tls: verify-full)",
                      "the host \"" + s.host + "\" is not a name or address OpenSSL can verify");
  auto [hec] = co_await up.tls->async_handshake(asio::ssl::stream_base::client, use_nothrow);
  if (hec) {
    if (config::verifies(s.tls) && connector::certificate_refused(*up.tls))
      co_return refused("the database behind connection \"" + conn + "\" presented a certificate that is not "
                        "trusted (tls: " + std::string(config::to_string(s.tls)) + ")",
                        connector::handshake_failure(*up.tls, hec));
    co_return refused("the TLS handshake with the database behind connection \"" + conn + "\" failed",
                      deadline.fired() ? std::string("the handshake timed out")
                                       : connector::handshake_failure(*up.tls, hec));
  }
  co_return expected<void, upstream_failure>();
}

template <class Stream>
net::awaitable<expected<void, upstream_failure>> start_session(Stream& stream, const upstream_settings& s,
                                                               const std::string& conn, const random_source& rng,
                                                               upstream_session& up);

}  // namespace

net::awaitable<expected<upstream_session, upstream_failure>> open_upstream(
    const upstream_settings& s, std::string_view connection_name, const random_source& rng) {
  const std::string conn(connection_name);
  auto sock = co_await connect_with_deadline(s);
  if (!sock)
    co_return unexpected(failure("08001", "the database behind connection \"" + conn + "\" is unreachable",
                                 sock.error()));
  upstream_session up{std::move(*sock), nullptr, {}, {}, 'I'};
  if (s.tls != config::upstream_tls::disable) {
    if (!s.tls_context)  // never plain instead: a caller's slip must not turn TLS off
      co_return unexpected(failure("08001", "connection \"" + conn + "\" has no TLS context", "tls_context unset"));
    if (auto r = co_await start_tls(s, conn, up); !r) co_return unexpected(std::move(r.error()));
  }
  // The login has the session's own deadline: a server (or anything between)
  // that stops answering must not hold the client's slot for ever.
  close_at deadline(co_await asio::this_coro::executor, s.deadline, [&up] {
    net::error_code ignored;
    (up.tls ? up.tls->next_layer() : up.socket).close(ignored);
  });
  // Not a ?: over two co_awaits: GCC 12 destroys such a temporary twice.
  expected<void, upstream_failure> r;
  if (up.tls) r = co_await start_session(*up.tls, s, conn, rng, up);
  else r = co_await start_session(up.socket, s, conn, rng, up);
  deadline.disarm();
  if (deadline.fired())
    co_return unexpected(failure("08006", "the database behind connection \"" + conn + "\" did not finish the "
                                 "session's start in time", endpoint_text(s) + ": login timed out"));
  if (!r) co_return unexpected(std::move(r.error()));
  co_return std::move(up);
}

namespace {

// StartupMessage and authentication, until the first ReadyForQuery.
template <class Stream>
net::awaitable<expected<void, upstream_failure>> start_session(Stream& stream, const upstream_settings& s,
                                                               const std::string& conn, const random_source& rng,
                                                               upstream_session& up) {
  pg::startup_message startup;
  startup.params.emplace_back("user", s.user);
  startup.params.emplace_back("database", s.database);
  for (const auto& p : s.params) startup.params.push_back(p);
  if (s.read_only) startup.params.emplace_back("default_transaction_read_only", "on");
  std::string out = pg::encode_startup(startup);
  if (auto ec = co_await send(stream, out))
    co_return unexpected(failure("08006", "the database behind connection \"" + conn + "\" closed the connection",
                                 ec.message()));

  io_buffer buf(8192);
  std::optional<pg::scram_client> scram;
  // AuthenticationOk seen (after SCRAM's proof, when SCRAM began): nothing
  // but authentication may come before it.
  bool authenticated = false;
  const auto lost = [&](const std::string& why) {
    return failure("08006", "the database behind connection \"" + conn + "\" ended the connection during startup",
                   endpoint_text(s) + ": " + why);
  };
  for (;;) {
    auto f = co_await read_frame(stream, buf);
    if (!f) co_return unexpected(lost(f.error()));
    std::string reply;
    // The session's start comes only after authentication: a server in the
    // middle must not skip AuthenticationOk (and with it SCRAM's proof).
    const bool session_start = f->type == pg::be::parameter_status || f->type == pg::be::backend_key_data ||
                               f->type == pg::be::ready_for_query;
    if (session_start && !authenticated)
      co_return unexpected(lost(std::string("'") + f->type + "' before AuthenticationOk"));
    switch (f->type) {
      case pg::be::authentication: {
        auto a = pg::decode_auth(f->body);
        if (!a) co_return unexpected(lost("malformed authentication request"));
        if (authenticated) co_return unexpected(lost("an authentication request after AuthenticationOk"));
        switch (a->code) {
          case pg::auth_code::ok:
            // Once SCRAM has begun, only a server that proved it knows the
            // password (SASLFinal) may end it: anything else could be a
            // server in the middle that skips the proof.
            if (scram && !scram->verified())
              co_return unexpected(lost("the server ended SCRAM authentication without proving it knows the password"));
            authenticated = true;
            break;
          case pg::auth_code::cleartext:
          case pg::auth_code::md5:
            // Asking for the password itself in the middle of SCRAM is what a
            // server in the middle would do to downgrade the exchange.
            if (scram) co_return unexpected(lost("the server asked for the password in the middle of SCRAM authentication"));
            if (a->code == pg::auth_code::cleartext) pg::encode_password(reply, s.password);
            else pg::encode_password(reply, pg::md5_password(s.user, s.password, a->data));
            break;
          case pg::auth_code::sasl: {
            if (scram) co_return unexpected(lost("the server began a second SASL exchange"));
            bool has_scram = false;
            for (auto m : pg::sasl_mechanisms(a->data)) has_scram |= (m == "SCRAM-SHA-256");
            if (!has_scram) co_return unexpected(lost("the server offers no SASL mechanism the gateway speaks"));
            // The scope: keys are reused only for the same server and role.
            scram.emplace(s.password, rng, s.scram_keys, endpoint_text(s) + "/" + s.user);
            pg::encode_sasl_initial(reply, "SCRAM-SHA-256", scram->client_first());
            break;
          }
          case pg::auth_code::sasl_continue: {
            if (!scram) co_return unexpected(lost("SASLContinue without SASL"));
            auto final_msg = scram->on_server_first(a->data);
            if (!final_msg) co_return unexpected(lost(std::string(pg::describe(final_msg.error()))));
            pg::encode_sasl_response(reply, *final_msg);
            break;
          }
          case pg::auth_code::sasl_final: {
            if (!scram) co_return unexpected(lost("SASLFinal without SASL"));
            auto ok = scram->on_server_final(a->data);
            if (!ok) co_return unexpected(lost(std::string(pg::describe(ok.error()))));
            break;
          }
          default:
            co_return unexpected(lost("the server asks for an authentication method the gateway does not speak (code " +
                                      std::to_string(static_cast<int>(a->code)) + ")"));
        }
        break;
      }
      case pg::be::parameter_status:
      case pg::be::notice_response:
        up.greeting.append(reinterpret_cast<const char*>(buf.data()), f->size);
        break;
      case pg::be::backend_key_data: {
        auto k = pg::decode_backend_key_data(f->body);
        if (!k) co_return unexpected(lost("malformed BackendKeyData"));
        up.key = {k->first, k->second};
        break;
      }
      case pg::be::error_response: {
        auto n = pg::decode_notice(f->body);
        std::string code = n ? std::string(n->sqlstate()) : "08006";
        std::string msg = n ? std::string(n->message()) : "unreadable error";
        bool auth = code.starts_with("28");
        co_return unexpected(failure(
            auth ? "08004" : code,
            auth ? "the database refused the gateway's credentials for connection \"" + conn + "\""
                 : "the database behind connection \"" + conn + "\" refused the session: " + msg,
            endpoint_text(s) + ": " + code + " " + msg));
      }
      case pg::be::ready_for_query: {
        auto st = pg::decode_ready_for_query(f->body);
        up.tx_status = st ? *st : 'I';
        buf.consume(f->size);
        if (buf.size() != 0) co_return unexpected(lost("unexpected bytes after ReadyForQuery"));
        co_return expected<void, upstream_failure>();
      }
      case pg::be::negotiate_protocol:
        break;  // we asked for 3.0 exactly; nothing to negotiate
      default:
        co_return unexpected(lost(std::string("unexpected message '") + f->type + "' during startup"));
    }
    buf.consume(f->size);
    if (!reply.empty()) {
      if (auto ec = co_await send(stream, reply)) co_return unexpected(lost(ec.message()));
    }
  }
}

}  // namespace

net::awaitable<void> send_upstream_cancel(const cancel_target& target) {
  upstream_settings s;
  s.host = target.host;
  s.port = target.port;
  s.connect_timeout = std::chrono::milliseconds(3000);
  auto sock = co_await connect_with_deadline(s);
  if (!sock) co_return;
  close_at deadline(co_await asio::this_coro::executor, std::chrono::steady_clock::now() + s.connect_timeout,
                    [&sock] {
                      net::error_code ignored;
                      sock->close(ignored);
                    });
  std::string pkt = pg::encode_cancel_request({target.upstream.pid, target.upstream.secret});
  co_await send(*sock, pkt);
  // The server closes the connection after reading the request.
  char b;
  co_await sock->async_read_some(asio::buffer(&b, 1), use_nothrow);
}

}  // namespace gh::gateway
