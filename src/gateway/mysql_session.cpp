#include "gateway/mysql_session.hpp"

#include <spdlog/spdlog.h>

#include "common/encoding.hpp"
#include "gateway/io_buffer.hpp"
#include "gateway/mysql_io.hpp"
#include "gateway/mysql_relay.hpp"
#include "gateway/mysql_upstream.hpp"
#include "gateway/services.hpp"
#include "gateway/session_grants.hpp"
#include "gateway/worker.hpp"
#include "policy/decide.hpp"
#include "wire/mysql/auth.hpp"
#include "wire/mysql/command.hpp"
#include "wire/mysql/generic.hpp"
#include "wire/mysql/handshake.hpp"

namespace gh::gateway {
namespace {

namespace mysql = wire::mysql;
using net::tcp;

// MariaDB's own form ("5.5.5-" first, which MariaDB clients strip and MySQL
// clients read as an old server, so that neither assumes MySQL 8 syntax).
constexpr std::string_view server_version = "5.5.5-10.11.0-MariaDB-gatehouse";

// What the gateway offers clients: what the relay can follow
// (trackable_capabilities), as a MySQL-style server (CLIENT_MYSQL set: none
// of MariaDB's extended capabilities, metadata caching among them). Never
// CLIENT_LOCAL_FILES, compression, query attributes or expired-password
// sandboxes.
constexpr mysql::capabilities offered_caps =
    mysql::cap::long_password | mysql::cap::found_rows | mysql::cap::long_flag | mysql::cap::connect_with_db |
    mysql::cap::odbc | mysql::cap::ignore_space | mysql::cap::protocol_41 | mysql::cap::interactive |
    mysql::cap::ignore_sigpipe | mysql::cap::transactions | mysql::cap::reserved |
    mysql::cap::secure_connection | mysql::cap::multi_statements | mysql::cap::multi_results |
    mysql::cap::ps_multi_results | mysql::cap::plugin_auth | mysql::cap::connect_attrs |
    mysql::cap::plugin_auth_lenenc_client_data | mysql::cap::session_track | mysql::cap::deprecate_eof;
static_assert((offered_caps & ~mysql::trackable_capabilities) == 0);

constexpr std::size_t token_max = 16 * 1024;  // JWTs included

// A client collation in utf8mb4 or utf8mb3 (what the classifier lexes) is
// kept; any other becomes utf8mb4_general_ci.
std::uint8_t upstream_collation(std::uint8_t client) {
  if (client == 33 || client == 45 || client == 46 || client == 83 || (client >= 192 && client <= 215) ||
      (client >= 224 && client <= 247))
    return client;
  return mysql::collation_utf8mb4_general_ci;
}

std::string_view without_nul(std::string_view s) {
  if (!s.empty() && s.back() == '\0') s.remove_suffix(1);
  return s;
}

class mysql_session {
 public:
  mysql_session(tcp::socket sock, worker& w, mysql_session_tls tls)
      : w_(w), svc_(w.svc()), tls_(tls), client_(std::move(sock)), in_(4096), deadline_(client_.get_executor()) {
    net::error_code ec;
    auto ep = client_.socket().remote_endpoint(ec);
    if (!ec) {
      auto addr = ep.address();
      // A dual-stack listener shows IPv4 peers as ::ffff:a.b.c.d.
      if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = net::asio::ip::make_address_v4(net::asio::ip::v4_mapped, addr.to_v6());
      address_ = addr.to_string();
      peer_ = address_ + ":" + std::to_string(ep.port());
      loopback_ = addr.is_loopback();
    }
    client_.socket().set_option(tcp::no_delay(true), ec);
    id_ = "s-" + to_hex(random_bytes(svc_.rng(), 6));
  }

  net::awaitable<void> run() {
    svc_.active_sessions.fetch_add(1, std::memory_order_relaxed);
    // The unauthenticated phase has a bounded lifetime.
    deadline_.expires_after(svc_.cfg().limits.auth_timeout);
    deadline_.async_wait([this](net::error_code ec) {
      if (!ec) client_.close();
    });
    if (!svc_.take_session_slot()) {
      // Over the limit: the server's own answer in place of the greeting.
      spdlog::warn("mysql connection from {} refused: limits.max_connections ({}) reached", peer_,
                   svc_.cfg().limits.max_connections);
      seq_ = 255;
      co_await error(1040, "08004", "Too many connections");
    } else if (svc_.admission().enter(address_)) {
      co_await serve();
      if (connection_id_) svc_.mysql_sessions().release(connection_id_);
      svc_.admission().leave(address_);
      svc_.give_back_session_slot();
    } else {
      svc_.give_back_session_slot();
      // MySQL servers speak first: the refusal takes the greeting's place.
      spdlog::warn("mysql connection from {} refused: limits.max_connections_per_address ({}) reached", peer_,
                   svc_.cfg().limits.max_connections_per_address);
      seq_ = 255;
      co_await error(1040, "08004", "gatehouse: too many connections from your address");
    }
    deadline_.cancel();
    client_.close();
    svc_.active_sessions.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  net::awaitable<void> error(std::uint16_t code, std::string sqlstate, std::string message) {
    std::string payload;
    mysql::encode_err_payload(payload, {code, std::move(sqlstate), std::move(message)});
    co_await write_mysql_message(client_, ++seq_, payload);
  }

  // Reads the next client message of the connection phase; its payload is
  // copied out (the buffer moves on).
  net::awaitable<std::optional<std::string>> read(std::size_t max) {
    auto f = co_await read_mysql_message(client_, in_, max);
    if (!f) co_return std::nullopt;
    std::string scratch;
    std::string out(as_chars(mysql_payload(in_, *f, scratch)));
    seq_ = f->last_sequence;
    in_.consume(f->size);
    co_return out;
  }

  net::awaitable<void> serve() {
    const std::string nonce = mysql::make_nonce(svc_.rng());
    mysql::handshake_v10 h;
    h.server_version = server_version;
    // The id clients show ("connection id") and KILL names: the gateway's
    // own, never the server's, unique among the sessions running.
    connection_id_ = svc_.mysql_sessions().issue(svc_.rng());
    h.connection_id = connection_id_;
    h.auth_plugin_data = nonce;
    h.caps = offered_caps | (tls_.listener ? mysql::cap::ssl : 0);
    h.collation = mysql::collation_utf8mb4_general_ci;
    h.status = mysql::status::autocommit;
    h.auth_plugin_name = mysql::native_password_plugin;
    std::string hello;
    mysql::encode_handshake_payload(hello, h);
    if (co_await write_mysql_message(client_, 0, hello)) co_return;

    // Read exactly: what follows an SSLRequest is the client's TLS handshake.
    auto packet = co_await read_mysql_packet_exact(client_, svc_.cfg().limits.startup_message_max);
    if (!packet) co_return;
    seq_ = packet->sequence;
    std::optional<std::string> first = std::move(packet->payload);
    if (mysql::is_ssl_request(as_bytes(*first))) {
      if (!tls_.listener) {
        spdlog::warn("session {} from {}: SSLRequest but the listener has no TLS; closing", id_, peer_);
        co_return;
      }
      if (auto ec = co_await client_.accept_tls(*tls_.listener)) {
        spdlog::info("session {} from {}: TLS handshake failed: {}", id_, peer_, ec.message());
        co_return;
      }
      first = co_await read(svc_.cfg().limits.startup_message_max);
      if (!first) co_return;
    }
    auto resp = mysql::decode_handshake_response(as_bytes(*first));
    if (!resp) co_return co_await error(1043, "08S01", "Bad handshake");
    co_await authenticate(*resp, nonce);
  }

  net::awaitable<void> authenticate(const mysql::handshake_response& resp, const std::string& nonce) {
    if (!client_.tls() && !loopback_)
      co_return co_await error(3159, "HY000",
                               "gatehouse: the gateway requires TLS for connections that are not from loopback; "
                               "connect with TLS (mariadb --ssl, mysql --ssl-mode=REQUIRED)");
    caps_ = resp.caps & (offered_caps | mysql::cap::ssl);
    if (!(caps_ & mysql::cap::plugin_auth))
      co_return co_await error(1251, "08004",
                               "gatehouse: the client does not support pluggable authentication; the token is sent "
                               "with mysql_clear_password");
    const std::string user(resp.user);
    if (auto wait = svc_.admission().login_blocked_for(address_, user, std::chrono::steady_clock::now())) {
      spdlog::warn("session {} from {}: login for user \"{}\" refused: too many failed logins "
                   "(limits.failed_logins_*)", id_, peer_, user);
      std::string message = "gatehouse: too many failed logins from this address or for this user; try again in " +
                            std::to_string(wait) + "s";
      co_return co_await error(1129, "HY000", std::move(message));
    }
    const std::string database(caps_ & mysql::cap::connect_with_db ? resp.database : std::string_view());
    const std::uint8_t collation = upstream_collation(resp.collation);
    std::string token;
    if (resp.auth_plugin == mysql::clear_password_plugin) {
      token.assign(without_nul(resp.auth_response));
    } else {
      std::string sw;
      mysql::encode_auth_switch_request_payload(sw, mysql::clear_password_plugin, nonce);
      if (co_await write_mysql_message(client_, ++seq_, sw)) co_return;
      auto reply = co_await read(token_max);
      if (!reply) co_return;
      token.assign(without_nul(*reply));
    }
    auto who = co_await svc_.authenticate(token);
    const auto authenticated_at = std::chrono::steady_clock::now();
    if (!who) {
      spdlog::warn("session {} from {}: authentication failed for user \"{}\": {}", id_, peer_, user,
                   who.error().reason);
      svc_.admission().login_failed(address_, user, std::chrono::steady_clock::now());
      co_return co_await error(1045, "28000", "Access denied for user '" + user + "' (gatehouse: the token was "
                                              "not accepted)");
    }
    if (who->name != user) {
      spdlog::warn("session {} from {}: user \"{}\" is not the token's principal \"{}\"", id_, peer_, user, who->name);
      co_return co_await error(1045, "28000", "Access denied for user '" + user + "' (gatehouse: user \"" + user +
                                              "\" is not the principal the token names; connect as that principal)");
    }
    if (database.empty())
      co_return co_await error(1046, "3D000",
                               "gatehouse: no database selected: connect with the name of a gateway connection as "
                               "the database");
    const config::connection* conn = svc_.connection(database);
    if (!conn || conn->type != config::db_type::mysql)
      co_return co_await error(1049, "42000", "Unknown database '" + database + "' (gatehouse: no MySQL connection "
                                              "of that name on this gateway)");
    session_context ctx{w_, svc_, id_, peer_, std::move(*who), conn};
    ctx.expires_at = session_expiry(ctx.who, svc_.cfg().identity.session_max, authenticated_at,
                                    std::chrono::system_clock::now());
    if (ctx.expires_at && *ctx.expires_at <= authenticated_at) {
      spdlog::warn("session {} from {}: authentication failed for user \"{}\": the token expires before the session "
                   "could start", id_, peer_, user);
      co_return co_await error(1045, "28000", "Access denied for user '" + user + "' (gatehouse: the token was "
                                              "not accepted)");
    }
    co_await open(ctx, collation);
  }

  net::awaitable<void> open(session_context& ctx, std::uint8_t collation) {
    const config::connection* conn = ctx.conn;
    session_grants grants;
    grants.load(ctx, std::chrono::system_clock::now());
    auto rules = svc_.rules();
    if (!policy::may_connect(rules, ctx.who.name, ctx.who.groups, conn->name, ctx.grants)) {
      policy::decision d = policy::decide_connect(rules, ctx.who.name, ctx.who.groups, conn->name, ctx.grants);
      spdlog::warn("session {} from {}: no rule lets principal \"{}\" use connection \"{}\"", id_, peer_, ctx.who.name,
                   conn->name);
      // Built before the co_await: GCC 12 destroys the temporaries of a
      // conditional expression inside a co_await operand twice.
      const std::string next = d.next_step.empty() ? std::string("ask an administrator for a rule") : d.next_step;
      std::string message = "Access denied for user '" + ctx.who.name + "' to database '" + conn->name +
                            "' (gatehouse: no rule lets principal \"" + ctx.who.name + "\" use connection \"" +
                            conn->name + "\"; " + next + ")";
      co_return co_await error(1044, "42000", std::move(message));
    }
    ctx.read_only = policy::read_only_session(rules, ctx.who.name, ctx.who.groups, conn->name, ctx.grants);
    if (!conn->connector.empty())
      co_return co_await error(2003, "HY000", "gatehouse: connection \"" + conn->name +
                                                  "\" is behind a connector, which does not carry MySQL sessions yet");
    mysql_upstream_settings s;
    s.host = conn->host;
    s.port = conn->port;
    s.user = conn->user;
    s.password = conn->password.reveal();
    s.database = conn->database;
    s.read_only = ctx.read_only;
    s.client_caps = caps_;
    s.collation = collation;
    s.tls_mode = conn->tls;
    s.tls = svc_.database_tls(*conn);
    s.deadline = deadline_.expiry();  // the unauthenticated phase's own deadline
    auto up = co_await open_mysql_upstream(s, conn->name);
    if (!up) {
      spdlog::error("session {} principal={} connection={}: upstream failed: {}", id_, ctx.who.name, conn->name,
                    up.error().detail);
      co_return co_await error(up.error().code, up.error().sqlstate, up.error().message);
    }
    deadline_.cancel();
    co_await relay(ctx, *up);
  }

  net::awaitable<void> relay(session_context& ctx, mysql_upstream& up) {
    mysql_relay_end end;
    {
      mysql_relay r(client_, up, ctx, caps_);
      r.load_grants(std::chrono::system_clock::now());
      svc_.mysql_sessions().attach(connection_id_, {ctx.who.name, ctx.conn->name, id_, up.thread_id, r.interrupter()});
      mysql::ok_packet ok;
      ok.status = static_cast<std::uint16_t>(up.status & ~mysql::status::session_state_changed);
      std::string payload;
      mysql::encode_ok_payload(payload, ok, caps_);
      if (co_await write_mysql_message(client_, ++seq_, payload)) co_return;
      spdlog::info("session {} opened principal={} connection={} client={} tls={} read_only={} protocol=mysql "
                   "server={}", id_, ctx.who.name, ctx.conn->name, peer_, client_.tls(), ctx.read_only,
                   up.server_version);
      end = co_await r.run();
    }
    if (end.err.code != 0 && end.seq) {
      if (end.why != mysql_relay_end::reason::client_closed)
        spdlog::warn("session {} principal={}: {}", id_, ctx.who.name, end.err.message);
      std::string payload;
      mysql::encode_err_payload(payload, end.err);
      co_await write_mysql_message(client_, *end.seq, payload);
    }
    if (end.why != mysql_relay_end::reason::server_closed) {
      std::string quit;
      mysql::encode_command_payload(quit, mysql::command::quit);
      co_await write_mysql_message(*up.stream, 0, quit);
    }
    up.stream->close();
    spdlog::info("session {} closed principal={} connection={}", id_, ctx.who.name, ctx.conn->name);
  }

  worker& w_;
  services& svc_;
  mysql_session_tls tls_;
  mysql_stream client_;
  io_buffer in_;
  net::asio::steady_timer deadline_;
  std::string id_;
  std::uint32_t connection_id_ = 0;  // given to the client; 0 before the greeting
  std::string address_ = "unknown";  // the client's IP, for limits per address
  std::string peer_ = "unknown";
  bool loopback_ = false;
  std::uint8_t seq_ = 0;  // of the last packet of the connection phase
  mysql::capabilities caps_ = 0;
};

}  // namespace

net::awaitable<void> run_mysql_session(tcp::socket socket, worker& w, mysql_session_tls tls) {
  mysql_session session(std::move(socket), w, tls);
  co_await session.run();
}

}  // namespace gh::gateway
