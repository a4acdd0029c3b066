#include "gateway/pg_session.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "common/encoding.hpp"
#include "audit/event.hpp"
#include "connector/hub.hpp"
#include "gateway/io_buffer.hpp"
#include "gateway/pg_relay.hpp"
#include "gateway/pg_upstream.hpp"
#include "gateway/services.hpp"
#include "gateway/worker.hpp"
#include "policy/decide.hpp"
#include "wire/pg/backend.hpp"
#include "wire/pg/framing.hpp"
#include "wire/pg/frontend.hpp"
#include "wire/pg/startup.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
namespace ssl = asio::ssl;
namespace pg = wire::pg;
using net::tcp;
using net::use_nothrow;

// Startup parameters a client may set on its upstream session. Everything
// else is dropped; `options`, `replication` and anything that could change
// the role or the read-only state never pass (DESIGN.md decision 6).
constexpr std::string_view passed_params[] = {
    "application_name", "client_encoding", "datestyle", "timezone", "intervalstyle",
    "extra_float_digits", "search_path", "bytea_output", "statement_timeout", "lock_timeout",
    "idle_in_transaction_session_timeout", "standard_conforming_strings", "client_min_messages",
    "default_transaction_isolation", "geqo", "jit", "work_mem",
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool passed_through(std::string_view name) {
  std::string n = lower(name);
  return std::find(std::begin(passed_params), std::end(passed_params), n) != std::end(passed_params);
}

// Startup values that would make the server read statement text differently
// from the classifier (which lexes as PostgreSQL does with
// standard_conforming_strings on, in an ASCII-safe encoding): a backslash or
// a quote inside a multibyte character, or a backslash escaping a quote,
// could hide a statement from it. Empty when the value is safe.
std::string unsafe_startup_value(std::string_view name, std::string_view value) {
  std::string n = lower(name);
  std::string v = lower(value);
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == '_' || c == '-'; }), v.end());
  if (n == "standard_conforming_strings" && v != "on" && v != "true" && v != "1" && v != "yes")
    return "standard_conforming_strings must stay on: with it off, backslashes in string literals change how "
           "statements are read";
  if (n == "client_encoding") {
    for (std::string_view bad : {"sjis", "shiftjis", "shiftjis2004", "big5", "gbk", "uhc", "gb18030", "johab",
                                 "mskanji", "windows932", "windows936", "windows949", "windows950", "win932",
                                 "win936", "win949", "win950", "cp932", "cp936", "cp949", "cp950"})
      if (v == bad)
        return "client_encoding " + std::string(value) +
               " is not allowed: its multibyte characters can contain quote and backslash bytes; use UTF8";
  }
  return {};
}

bool falsy(std::string_view v) {
  std::string s = lower(v);
  return s == "false" || s == "0" || s == "off" || s == "no";
}

class pg_session {
 public:
  pg_session(tcp::socket sock, worker& w)
      : w_(w), svc_(w.svc()), sock_(std::move(sock)), in_(8192), deadline_(sock_.get_executor()) {
    net::error_code ec;
    auto ep = sock_.remote_endpoint(ec);
    if (!ec) {
      auto addr = ep.address();
      // A dual-stack listener shows IPv4 peers as ::ffff:a.b.c.d.
      if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = net::asio::ip::make_address_v4(net::asio::ip::v4_mapped, addr.to_v6());
      address_ = addr.to_string();
      client_ = address_ + ":" + std::to_string(ep.port());
      loopback_ = addr.is_loopback();
    }
    sock_.set_option(tcp::no_delay(true), ec);
    id_ = "s-" + to_hex(random_bytes(svc_.rng(), 6));
  }

  net::awaitable<void> run() {
    svc_.active_sessions.fetch_add(1, std::memory_order_relaxed);
    // Over a limit, the session still reads the startup packet (answering an
    // SSLRequest with N) so that clients show the 53300 as PostgreSQL's own
    // "too many clients" rather than a broken TLS negotiation.
    admitted_ = svc_.admission().enter(address_);
    arm_deadline();
    co_await startup_on_plain();
    deadline_.cancel();
    if (admitted_) svc_.admission().leave(address_);
    if (holds_slot_) svc_.give_back_session_slot();
    svc_.active_sessions.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  // The unauthenticated phase has a bounded lifetime: a socket that does not
  // finish startup in time is closed, whatever it is doing.
  void arm_deadline() {
    deadline_.expires_after(svc_.cfg().limits.auth_timeout);
    deadline_.async_wait([this](net::error_code ec) {
      if (ec) return;
      timed_out_ = true;
      net::error_code ignored;
      active_socket_->close(ignored);
    });
  }

  template <class Stream>
  net::awaitable<expected<pg::startup_packet, std::string>> read_startup(Stream& s) {
    const std::uint32_t limit = svc_.cfg().limits.startup_message_max;
    for (;;) {
      pg::frame f = pg::next_startup_packet(in_.readable(), limit);
      if (f.status == pg::frame_status::error)
        co_return unexpected(std::string("invalid startup packet: ") + std::string(pg::describe(f.error)));
      if (f.status == pg::frame_status::ready) {
        auto pkt = pg::decode_startup(f.body);
        in_.consume(f.size);
        if (!pkt) co_return unexpected(std::string("invalid startup packet: ") + std::string(pg::describe(pkt.error())));
        co_return std::move(*pkt);
      }
      if (!in_.make_room(limit)) co_return unexpected(std::string("startup packet too large"));
      auto [ec, n] = co_await s.async_read_some(asio::buffer(in_.write_ptr(), in_.write_space()), use_nothrow);
      if (ec) co_return unexpected(std::string());  // gone: nothing to say
      in_.commit(n);
    }
  }

  template <class Stream>
  net::awaitable<void> write(Stream& s, const std::string& bytes) {
    co_await asio::async_write(s, asio::buffer(bytes), use_nothrow);
  }

  // Session events (opened, closed, refused at startup) go to the audit log
  // like statements. Before authentication the principal is unknown: the
  // user name a client claimed is only part of the text.
  void audit_session(std::string_view decision, std::string text, std::string error = {}) {
    audit::event e;
    e.kind = audit::event_kind::session;
    e.time = std::chrono::system_clock::now();
    e.principal = principal_;
    e.session = id_;
    e.client = client_;
    e.connection = connection_;
    e.statement = std::move(text);
    e.decision = decision;
    e.error = std::move(error);
    w_.audit().append(e);
    if (!w_.audit().flush())
      spdlog::error("session {}: the audit log cannot be written: {}", id_, w_.audit().last_error());
  }

  template <class Stream>
  net::awaitable<void> fatal(Stream& s, std::string sqlstate, std::string message, std::string hint = {}) {
    if (!principal_.empty() || !claimed_user_.empty())
      audit_session("deny",
                    principal_.empty() ? "login refused for user \"" + claimed_user_ + "\"" : "session refused",
                    sqlstate + " " + message);
    std::string out;
    pg::notice n;
    n.severity = "FATAL";
    n.sqlstate = std::move(sqlstate);
    n.message = std::move(message);
    n.hint = std::move(hint);
    pg::encode_error(out, n);
    co_await write(s, out);
  }

  net::awaitable<void> startup_on_plain() {
    for (int round = 0; round < 4; ++round) {
      // Direct TLS (PostgreSQL 17 sslnegotiation=direct): a ClientHello first.
      if (round == 0 && svc_.pg_tls()) {
        auto [ec, n] = co_await sock_.async_read_some(asio::buffer(in_.write_ptr(), in_.write_space()), use_nothrow);
        if (ec) co_return;
        in_.commit(n);
        if (in_.readable()[0] == 0x16) {
          co_await serve_tls(/*direct=*/true);
          co_return;
        }
      }
      auto pkt = co_await read_startup(sock_);
      if (!pkt) {
        if (!pkt.error().empty()) {
          spdlog::info("session {} from {}: {}", id_, client_, pkt.error());
          co_await fatal(sock_, "08P01", pkt.error());
        }
        co_return;
      }
      if (std::holds_alternative<pg::ssl_request>(*pkt)) {
        // Bytes sent after SSLRequest and before the handshake would be read
        // as if they came through TLS (CVE-2021-23222): end the connection.
        if (in_.size() != 0) {
          spdlog::warn("session {} from {}: data sent after SSLRequest before the TLS handshake; closing", id_, client_);
          co_return;
        }
        if (svc_.pg_tls()) {
          co_await write(sock_, std::string("S"));
          co_await serve_tls(/*direct=*/false);
          co_return;
        }
        co_await write(sock_, std::string("N"));
        continue;
      }
      if (std::holds_alternative<pg::gssenc_request>(*pkt)) {
        if (in_.size() != 0) co_return;
        co_await write(sock_, std::string("N"));
        continue;
      }
      if (auto* c = std::get_if<pg::cancel_request>(&*pkt)) {
        co_await cancel(*c);
        co_return;
      }
      co_await serve(sock_, std::get<pg::startup_message>(std::move(*pkt)), /*tls=*/false);
      co_return;
    }
    co_await fatal(sock_, "08P01", "too many startup negotiation packets");
  }

  net::awaitable<void> serve_tls(bool direct) {
    ssl::stream<tcp::socket> tls(std::move(sock_), *svc_.pg_tls());
    active_socket_ = &tls.next_layer();
    net::error_code ec;
    std::size_t used = 0;
    if (direct) {
      std::tie(ec, used) = co_await tls.async_handshake(
          ssl::stream_base::server, asio::buffer(in_.data(), in_.size()), use_nothrow);
      in_.consume(in_.size());
    } else {
      std::tie(ec) = co_await tls.async_handshake(ssl::stream_base::server, use_nothrow);
    }
    if (ec) {
      spdlog::info("session {} from {}: TLS handshake failed: {}", id_, client_, ec.message());
      co_return;
    }
    auto pkt = co_await read_startup(tls);
    if (!pkt) {
      if (!pkt.error().empty()) co_await fatal(tls, "08P01", pkt.error());
      co_return;
    }
    if (auto* c = std::get_if<pg::cancel_request>(&*pkt)) {
      co_await cancel(*c);
      co_return;
    }
    auto* sm = std::get_if<pg::startup_message>(&*pkt);
    if (!sm) {
      co_await fatal(tls, "08P01", "unexpected negotiation packet inside TLS");
      co_return;
    }
    co_await serve(tls, std::move(*sm), /*tls=*/true);
    net::error_code ignored;
    tls.next_layer().close(ignored);
  }

  net::awaitable<void> cancel(const pg::cancel_request& c) {
    auto target = svc_.cancels().find({c.pid, c.secret});
    if (!target) {
      spdlog::info("cancel request from {} matches no session", client_);
      co_return;
    }
    spdlog::info("cancel request from {} for session {}", client_, target->session);
    // A statement held for review is the session's running statement: the
    // cancel withdraws the review. Whatever runs upstream is cancelled too.
    if (target->interrupt) target->interrupt();
    if (target->forward) {
      target->forward();  // behind a connector: it cancels (the gateway has no route to the database)
      co_return;
    }
    co_await send_upstream_cancel(*target);
  }

  // Reads the client's password message.
  template <class Stream>
  net::awaitable<expected<std::string, std::string>> read_password(Stream& s) {
    constexpr std::uint32_t password_max = 16 * 1024;  // JWTs included
    for (;;) {
      pg::frame f = pg::next_message(in_.readable(), password_max);
      if (f.status == pg::frame_status::error) co_return unexpected(std::string("invalid password message"));
      if (f.status == pg::frame_status::ready) {
        if (f.type != pg::fe::password) co_return unexpected(std::string("expected a password message"));
        auto pw = pg::decode_password(f.body);
        if (!pw) co_return unexpected(std::string("invalid password message"));
        std::string out(*pw);
        in_.consume(f.size);
        co_return out;
      }
      if (!in_.make_room(password_max)) co_return unexpected(std::string("password message too large"));
      auto [ec, n] = co_await s.async_read_some(asio::buffer(in_.write_ptr(), in_.write_space()), use_nothrow);
      if (ec) co_return unexpected(std::string());
      in_.commit(n);
    }
  }

  template <class Stream>
  net::awaitable<void> serve(Stream& s, pg::startup_message sm, bool tls) {
    std::string out;
    // Protocol 3.x with x > 0 and _pq_ options: say what we speak.
    std::vector<std::string> unsupported;
    for (const auto& [k, v] : sm.params)
      if (k.starts_with("_pq_.")) unsupported.push_back(k);
    if ((sm.protocol & 0xffff) != 0 || !unsupported.empty())
      pg::encode_negotiate_protocol(out, 0, unsupported);

    std::string user(sm.get("user"));
    std::string database(sm.get("database"));
    if (database.empty()) database = user;
    claimed_user_ = user;
    connection_ = database;
    holds_slot_ = svc_.take_session_slot();
    if (!holds_slot_) {
      spdlog::warn("connection from {} refused: limits.max_connections ({}) reached", client_,
                   svc_.cfg().limits.max_connections);
      co_return co_await fatal(s, "53300", "sorry, too many clients already");
    }
    if (!admitted_) {
      spdlog::warn("connection from {} refused: limits.max_connections_per_address ({}) reached", client_,
                   svc_.cfg().limits.max_connections_per_address);
      co_return co_await fatal(s, "53300", "too many connections from your address");
    }
    if (user.empty()) co_return co_await fatal(s, "28000", "no user name given: connect as your principal's name");
    if (sm.has("replication") && !falsy(sm.get("replication")))
      co_return co_await fatal(s, "42501", "replication connections are not allowed through the gateway");
    if (!sm.get("options").empty())
      co_return co_await fatal(s, "42501",
                               "the \"options\" startup parameter is not allowed through the gateway: it can change "
                               "the session's role and settings",
                               "Remove options (PGOPTIONS) and set parameters with SET after connecting.");
    for (const auto& [k, v] : sm.params)
      if (auto why = unsafe_startup_value(k, v); !why.empty()) co_return co_await fatal(s, "42501", why);
    if (!tls && !loopback_)
      co_return co_await fatal(s, "28000", "the gateway requires TLS for connections that are not from loopback",
                               "Connect with sslmode=require.");

    if (auto wait = svc_.admission().login_blocked_for(address_, user, std::chrono::steady_clock::now())) {
      spdlog::warn("session {} from {}: login for user \"{}\" refused: too many failed logins (limits.failed_logins_*)",
                   id_, client_, user);
      co_return co_await fatal(s, "53300",
                               "too many failed logins from this address or for this user; try again in " +
                                   std::to_string(wait) + "s");
    }
    pg::encode_auth_cleartext(out);
    co_await write(s, out);
    auto password = co_await read_password(s);
    if (!password) {
      if (!password.error().empty()) co_await fatal(s, "08P01", password.error());
      co_return;
    }
    auto who = co_await svc_.authenticate(*password);
    const auto authenticated_at = std::chrono::steady_clock::now();
    if (!who) {
      spdlog::warn("session {} from {}: authentication failed for user \"{}\": {}", id_, client_, user,
                   who.error().reason);
      svc_.admission().login_failed(address_, user, std::chrono::steady_clock::now());
      co_return co_await fatal(s, "28P01", "password authentication failed for user \"" + user + "\"");
    }
    principal_ = who->name;  // the token proves who is asking, whatever user it claimed
    if (who->name != user) {
      spdlog::warn("session {} from {}: user \"{}\" is not the token's principal \"{}\"", id_, client_, user, who->name);
      co_return co_await fatal(s, "28000", "user \"" + user + "\" is not the principal the token names",
                               "Connect with the user name of the principal the token was issued to.");
    }
    const config::connection* conn = svc_.connection(database);
    if (!conn) co_return co_await fatal(s, "3D000", "connection \"" + database + "\" does not exist on this gateway");

    session_context ctx{w_, svc_, id_, client_, std::move(*who), conn};
    ctx.expires_at = session_expiry(ctx.who, svc_.cfg().identity.session_max, authenticated_at,
                                    std::chrono::system_clock::now());
    if (ctx.expires_at && *ctx.expires_at <= authenticated_at) {
      // Accepted within the clock-skew allowance but already past exp here.
      spdlog::warn("session {} from {}: authentication failed for user \"{}\": the token expires before the "
                   "session could start", id_, client_, user);
      co_return co_await fatal(s, "28P01", "password authentication failed for user \"" + user + "\"");
    }
    auto rules = svc_.rules();
    if (!policy::may_connect(rules, ctx.who.name, ctx.who.groups, conn->name, ctx.grants)) {
      spdlog::warn("session {} from {}: no rule lets principal \"{}\" use connection \"{}\"", id_, client_, ctx.who.name,
                   conn->name);
      co_return co_await fatal(s, "28000",
                               "no rule lets principal \"" + ctx.who.name + "\" use connection \"" + conn->name + "\"",
                               "Ask an administrator for a rule on this connection.");
    }
    ctx.read_only = policy::read_only_session(rules, ctx.who.name, ctx.who.groups, conn->name, ctx.grants);
    if (!conn->connector.empty()) co_return co_await serve_via_connector(s, sm, ctx, tls);

    upstream_settings up;
    up.host = conn->host;
    up.port = conn->port;
    up.user = conn->user;
    up.password = conn->password.reveal();
    up.database = conn->database;
    up.read_only = ctx.read_only;
    up.tls = conn->tls;
    up.tls_context = svc_.database_tls(*conn);
    up.scram_keys = &svc_.scram_keys();
    up.deadline = deadline_.expiry();  // limits.auth_timeout covers the upstream login too
    for (const auto& [k, v] : sm.params) {
      if (!passed_through(k)) continue;
      up.params.emplace_back(k, v);
      if (lower(k) == "search_path") ctx.search_path = v;
    }
    auto upstream = co_await open_upstream(up, conn->name, svc_.rng());
    if (!upstream) {
      spdlog::error("session {} principal={} connection={}: upstream failed: {}", id_, ctx.who.name, conn->name,
                    upstream.error().detail);
      co_return co_await fatal(s, upstream.error().sqlstate, upstream.error().message);
    }
    deadline_.cancel();
    if (upstream->tls) co_await relay_direct(s, *upstream->tls, *upstream, ctx, tls);
    else co_await relay_direct(s, upstream->socket, *upstream, ctx, tls);
  }

  // The relay over the database session opened by this process; `server`
  // is the session's socket or its TLS stream.
  template <class Stream, class Server>
  net::awaitable<void> relay_direct(Stream& s, Server& server, upstream_session& up, session_context& ctx,
                                    bool tls) {
    const config::connection* conn = ctx.conn;
    std::string out;
    relay_end end;
    {
      pg_relay<Stream, Server> relay(s, server, ctx);
      cancel_target target{conn->host, conn->port, up.key, conn->connector, id_, relay.interrupter()};
      backend_key key = svc_.cancels().issue(std::move(target));
      out.clear();
      pg::encode_auth_ok(out);
      out += up.greeting;
      pg::encode_backend_key_data(out, key.pid, key.secret);
      pg::encode_ready_for_query(out, up.tx_status);
      co_await write(s, out);
      spdlog::info("session {} opened principal={} connection={} client={} tls={} read_only={} database_tls={}", id_,
                   ctx.who.name, conn->name, client_, tls, ctx.read_only, up.tls ? "on" : "off");
      audit_session("allow", std::string("session opened (tls=") + (tls ? "on" : "off") +
                                 ", read_only=" + (ctx.read_only ? "on" : "off") + ")");
      end = co_await relay.run();
      svc_.cancels().release(key);
    }
    if (!end.sqlstate.empty() && end.why != relay_end::reason::client_closed &&
        end.why != relay_end::reason::server_closed) {
      spdlog::warn("session {} principal={}: {}", id_, ctx.who.name, end.message);
      co_await fatal(s, end.sqlstate, end.message);
    }
    if (end.why != relay_end::reason::server_closed) {
      std::string bye;
      pg::encode_terminate(bye);
      co_await asio::async_write(server, asio::buffer(bye), use_nothrow);
    }
    net::error_code ignored;
    server.lowest_layer().close(ignored);
    spdlog::info("session {} closed principal={} connection={}", id_, ctx.who.name, conn->name);
    audit_session("closed", "session closed", end.sqlstate.empty() ? std::string() : end.sqlstate + " " + end.message);
  }

  // A connection behind a connector (issue 7, docs/connectors.md): the
  // connector opens the database session with its own secret and hands back
  // a data connection; this process never holds the secret nor a socket to
  // the database. Then the same relay runs over that TLS stream.
  template <class Stream>
  net::awaitable<void> serve_via_connector(Stream& s, const pg::startup_message& sm, session_context& ctx,
                                           bool tls) {
    const config::connection* conn = ctx.conn;
    if (!svc_.connectors)
      co_return co_await fatal(s, "08001", "connection \"" + conn->name + "\" is unavailable: no connectors listener");
    connector::session_request req{conn->connector, conn->name, ctx.read_only, {}, id_, {}};
    // Answer before limits.auth_timeout closes the client, so it hears why.
    req.deadline = deadline_.expiry() - std::chrono::milliseconds(500);
    for (const auto& [k, v] : sm.params) {
      if (!passed_through(k)) continue;
      req.params.emplace_back(k, v);
      if (lower(k) == "search_path") ctx.search_path = v;
    }
    auto up = co_await svc_.connectors->open(std::move(req));
    if (!up) {
      spdlog::error("session {} principal={} connection={}: upstream through connector \"{}\" failed: {}", id_,
                    ctx.who.name, conn->name, conn->connector, up.error().detail);
      co_return co_await fatal(s, up.error().sqlstate, up.error().message);
    }
    deadline_.cancel();

    relay_end end;
    {
      pg_relay<Stream, connector::tls_stream> relay(s, *up->stream, ctx);
      cancel_target target{{}, 0, {}, conn->connector, id_, relay.interrupter(), up->cancel};
      backend_key key = svc_.cancels().issue(std::move(target));
      std::string out;
      pg::encode_auth_ok(out);
      out += up->greeting;
      pg::encode_backend_key_data(out, key.pid, key.secret);
      pg::encode_ready_for_query(out, up->tx_status);
      co_await write(s, out);
      spdlog::info("session {} opened principal={} connection={} client={} tls={} read_only={} via connector {}", id_,
                   ctx.who.name, conn->name, client_, tls, ctx.read_only, up->via);
      audit_session("allow", std::string("session opened (tls=") + (tls ? "on" : "off") +
                                 ", read_only=" + (ctx.read_only ? "on" : "off") + ", via connector " + up->via + ")");
      end = co_await relay.run();
      svc_.cancels().release(key);
    }
    // The data connection ended without the database saying why: the
    // connector (or the path to it) is gone. The client hears it as such.
    if (end.why == relay_end::reason::server_closed && end.sqlstate.empty()) {
      end.sqlstate = "08006";
      end.message = "the connection to connection \"" + conn->name + "\" through connector \"" + conn->connector +
                    "\" was lost";
    }
    if (!end.sqlstate.empty() && end.why != relay_end::reason::client_closed) {
      spdlog::warn("session {} principal={}: {}", id_, ctx.who.name, end.message);
      co_await fatal(s, end.sqlstate, end.message);
    }
    if (end.why != relay_end::reason::server_closed) {
      std::string bye;
      pg::encode_terminate(bye);
      co_await asio::async_write(*up->stream, asio::buffer(bye), use_nothrow);
    }
    net::error_code ignored;
    up->stream->next_layer().close(ignored);
    spdlog::info("session {} closed principal={} connection={}", id_, ctx.who.name, conn->name);
    audit_session("closed", "session closed", end.sqlstate.empty() ? std::string() : end.sqlstate + " " + end.message);
  }

  bool holds_slot_ = false;  // one of limits.max_connections
  bool admitted_ = false;
  worker& w_;
  services& svc_;
  tcp::socket sock_;
  tcp::socket* active_socket_ = &sock_;
  io_buffer in_;
  asio::steady_timer deadline_;
  std::string id_;
  std::string client_ = "unknown";
  std::string address_ = "unknown";  // the client's IP address, for per-address limits
  std::string claimed_user_;   // the startup user, before the token proves it
  std::string principal_;      // once authenticated
  std::string connection_;
  bool loopback_ = false;
  bool timed_out_ = false;
};

}  // namespace

net::awaitable<void> run_pg_session(tcp::socket socket, worker& w) {
  pg_session session(std::move(socket), w);
  co_await session.run();
}

}  // namespace gh::gateway
