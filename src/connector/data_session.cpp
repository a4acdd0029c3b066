#include "connector/data_session.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "common/encoding.hpp"
#include "connector/dialer.hpp"
#include "connector/frame_io.hpp"
#include "gateway/pg_upstream.hpp"
#include "wire/connector/data.hpp"

namespace gh::connector {
namespace {

namespace asio = net::asio;
namespace wc = wire::connector;
using net::use_nothrow;

// The startup parameters the gateway passes through (gateway/pg_session.cpp
// keeps the same list). Checked again here, so that whatever the gateway
// sends, the database never gets `user`, `database`, `options`,
// `replication` or a read-only override from it.
constexpr std::string_view passable[] = {
    "application_name", "client_encoding", "datestyle", "timezone", "intervalstyle",
    "extra_float_digits", "search_path", "bytea_output", "statement_timeout", "lock_timeout",
    "idle_in_transaction_session_timeout", "standard_conforming_strings", "client_min_messages",
    "default_transaction_isolation", "geqo", "jit", "work_mem",
};

bool passable_param(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find(std::begin(passable), std::end(passable), n) != std::end(passable);
}

constexpr std::size_t pump_buffer = 64 * 1024;

}  // namespace

void data_session::end() {
  asio::post(ex_, [self = shared_from_this()] {
    self->ended_ = true;
    self->close_all();
  });
}

void data_session::close_all() {
  net::error_code ignored;
  if (gw_) gw_->next_layer().close(ignored);
  if (db_) db_->close(ignored);
}

net::awaitable<void> data_session::run() {
  tag_ = to_hex(req_.session_id.substr(0, 6));
  rt_.sessions.add(req_.session_id, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->end();
  });
  struct leave {
    runtime& rt;
    const std::string& id;
    ~leave() { rt.sessions.remove(id); }
  } on_exit{rt_, req_.session_id};

  const wc::preamble route{wc::link_kind::data, req_.session_id};  // named: see control_client.cpp
  auto gw = co_await dial_gateway(rt_, route);
  if (!gw) {
    spdlog::warn("session {} for connection \"{}\": cannot open its data connection to the gateway at {}: {}", tag_,
                 req_.connection, rt_.gateway(), gw.error().what);
    co_return;
  }
  gw_ = gw->get();
  if (!ended_) co_await serve(**gw);
  gw_ = nullptr;
  net::error_code ignored;
  (*gw)->next_layer().close(ignored);
}

net::awaitable<void> data_session::serve(tls_stream& gw) {
  std::string out;
  (void)wc::encode_data_hello(out, {req_.session_id, req_.nonce});
  if (co_await write_all(gw, out)) co_return;

  const auto fail = [&](std::string sqlstate, std::string message) -> net::awaitable<void> {
    std::string f;
    if (wc::encode_failed(f, {std::move(sqlstate), std::move(message)})) co_await write_all(gw, f);
  };
  auto it = rt_.cfg.connections.find(req_.connection);
  if (it == rt_.cfg.connections.end() || it->second.type != config::db_type::postgres) {
    spdlog::warn("session {}: the gateway asked for connection \"{}\", which this connector does not serve{}", tag_,
                 req_.connection, it == rt_.cfg.connections.end() ? "" : " as PostgreSQL");
    co_return co_await fail("08001", "connector \"" + rt_.cfg.name + "\" does not serve connection \"" +
                                         req_.connection + "\"");
  }
  const config::connection& c = it->second;
  gateway::upstream_settings s;
  s.host = c.host;
  s.port = c.port;
  s.user = c.user;
  s.password = c.password.reveal();
  s.database = c.database;
  s.read_only = req_.read_only;
  s.tls = c.tls;
  s.scram_keys = &rt_.scram_keys;
  // The gateway answers its client within limits.auth_timeout; a login
  // still going long after that only holds a database connection.
  s.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  if (auto t = rt_.database_tls.find(req_.connection); t != rt_.database_tls.end()) s.tls_context = t->second.get();
  for (const auto& [k, v] : req_.params) {
    if (passable_param(k)) s.params.emplace_back(k, v);
    else spdlog::warn("session {}: startup parameter \"{}\" from the gateway dropped", tag_, k);
  }
  auto up = co_await gateway::open_upstream(s, req_.connection, rt_.rng);
  if (ended_) co_return;
  if (!up) {
    spdlog::warn("session {} for connection \"{}\": database session failed: {}", tag_, req_.connection,
                 up.error().detail);
    // open_upstream speaks as the gateway; here it is this connector whose
    // credentials the database refused.
    std::string message = up.error().sqlstate == "08004"
                              ? "the database refused connector \"" + rt_.cfg.name + "\"'s credentials for connection \"" +
                                    req_.connection + "\""
                              : up.error().message;
    co_return co_await fail(up.error().sqlstate, std::move(message));
  }
  db_ = up->tls ? &up->tls->next_layer() : &up->socket;
  out.clear();
  if (!wc::encode_ready(out, {up->greeting, up->key.pid, up->key.secret, up->tx_status})) {
    db_ = nullptr;
    co_return co_await fail("08P01", "the database's greeting for connection \"" + req_.connection +
                                         "\" cannot be passed on");
  }
  if (co_await write_all(gw, out)) {
    db_ = nullptr;
    co_return;
  }
  rt_.sessions.set_backend(req_.session_id, c.host, c.port, up->key);
  spdlog::info("session {} opened for connection \"{}\" (read_only={})", tag_, req_.connection, req_.read_only);
  using namespace asio::experimental::awaitable_operators;
  if (up->tls) co_await (copy(gw, *up->tls) && copy(*up->tls, gw));
  else co_await (copy(gw, up->socket) && copy(up->socket, gw));
  db_ = nullptr;
  spdlog::info("session {} closed for connection \"{}\"", tag_, req_.connection);
}

// One direction. When it ends, for whatever reason, both connections close:
// the other direction then ends too, and the database ends its session.
template <class From, class To>
net::awaitable<void> data_session::copy(From& from, To& to) {
  std::unique_ptr<char[]> buf(new char[pump_buffer]);
  for (;;) {
    auto [rec, n] = co_await from.async_read_some(asio::buffer(buf.get(), pump_buffer), use_nothrow);
    if (rec) break;
    auto [wec, wn] = co_await asio::async_write(to, asio::buffer(buf.get(), n), use_nothrow);
    if (wec) break;
  }
  close_all();
}

}  // namespace gh::connector
