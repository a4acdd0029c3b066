// The command loop of a MySQL session (mysql_relay.hpp).
#include "gateway/mysql_relay.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "gateway/mysql_io.hpp"
#include "gateway/services.hpp"
#include "gateway/worker.hpp"
#include "wire/mysql/framing.hpp"

namespace gh::gateway {
namespace {

namespace mysql = wire::mysql;

// Why the gateway refuses a command that is not SQL (handling_of: refuse).
std::string refusal_of(mysql::command c) {
  const std::string name(mysql::command_name(c));
  switch (c) {
    case mysql::command::change_user:
      return "COM_CHANGE_USER is not allowed through the gateway: it would change who the session is; "
             "connect again as the other principal, with its token";
    case mysql::command::reset_connection:
      return "COM_RESET_CONNECTION is not allowed through the gateway: it would reset the session's read-only "
             "state and settings; reconnect for a fresh session";
    case mysql::command::binlog_dump:
    case mysql::command::binlog_dump_gtid:
    case mysql::command::register_slave:
    case mysql::command::table_dump:
    case mysql::command::subscribe_group_replication_stream:
    case mysql::command::clone:
      return name + " is not allowed through the gateway: replication connections are refused";
    default:
      return name + " is not allowed through the gateway; send the SQL statement instead (COM_QUERY)";
  }
}

}  // namespace

mysql_relay::mysql_relay(mysql_stream& client, mysql_upstream& up, session_context& ctx,
                         mysql::capabilities client_caps)
    : client_(client),
      server_(*up.stream),
      up_(up),
      ctx_(ctx),
      client_caps_(client_caps),
      gate_(ctx, up.state),
      cin_(16 * 1024),
      sin_(32 * 1024),
      expiry_(client.get_executor()),
      mailbox_(std::make_shared<hold_mailbox>(client.get_executor())) {
  ctx_.w.add_session(this);
}

mysql_relay::~mysql_relay() {
  mailbox_->alive = false;
  ctx_.w.remove_session(this);
}

net::awaitable<mysql_relay_end> mysql_relay::run() {
  using namespace net::asio::experimental::awaitable_operators;
  co_await (commands() && watch_expiry());
  co_return end_;
}

void mysql_relay::drain() {
  draining_ = true;
  if (phase_ == phase::idle && !holding_)
    finish(ending(mysql_relay_end::reason::shutdown, 1053, "08S01", "gatehouse: the gateway is shutting down"));
}

mysql_relay_end mysql_relay::ending(mysql_relay_end::reason why, std::uint16_t code, std::string sqlstate,
                                    std::string message) {
  mysql_relay_end e;
  e.why = why;
  e.err = {code, std::move(sqlstate), std::move(message)};
  if (phase_ == phase::idle) e.seq = 1;
  else if (phase_ == phase::deciding) e.seq = static_cast<std::uint8_t>(cmd_seq_ + 1);
  return e;
}

void mysql_relay::finish(mysql_relay_end why) {
  if (stopping_) return;
  stopping_ = true;
  end_ = std::move(why);
  expiry_.cancel();
  server_.cancel();
  client_.cancel();
  mailbox_->wake();
}

// A session does not outlive its identity (token exp, identity.session_max).
net::awaitable<void> mysql_relay::watch_expiry() {
  if (!ctx_.expires_at) co_return;
  expiry_.expires_at(*ctx_.expires_at);
  auto [ec] = co_await expiry_.async_wait(net::use_nothrow);
  if (ec || stopping_) co_return;
  spdlog::info("session {} principal={}: identity expired; ending the session", ctx_.id, ctx_.who.name);
  finish(ending(mysql_relay_end::reason::access_ended, 1045, "28000",
                "gatehouse: the identity of principal \"" + ctx_.who.name +
                    "\" has expired (token exp or identity.session_max); reconnect with a fresh token"));
}

net::awaitable<void> mysql_relay::commands() {
  const std::size_t limit = ctx_.svc.cfg().limits.message_max;
  for (;;) {
    if (stopping_) co_return;
    if (draining_) {
      finish(ending(mysql_relay_end::reason::shutdown, 1053, "08S01", "gatehouse: the gateway is shutting down"));
      co_return;
    }
    phase_ = phase::idle;
    auto f = co_await read_mysql_message(client_, cin_, limit);
    if (stopping_) co_return;
    if (!f) {
      if (f.error() == mysql_read_error::closed) finish({mysql_relay_end::reason::client_closed, {}, {}});
      else finish(ending(mysql_relay_end::reason::protocol_error, 1153, "08S01",
                         "gatehouse: malformed packet, or one larger than the gateway's limit of " +
                             std::to_string(limit) + " bytes"));
      co_return;
    }
    phase_ = phase::deciding;
    cmd_seq_ = f->last_sequence;
    const bytes_view payload = mysql_payload(cin_, *f, scratch_);
    const bool go_on = co_await on_command(payload, net::asio::buffer(cin_.data(), f->size));
    cin_.consume(f->size);
    if (!early_.empty()) {
      // What the client sent while its statement was held, in order.
      std::string_view rest = early_;
      while (!rest.empty()) {
        if (!cin_.make_room(limit)) {
          finish(ending(mysql_relay_end::reason::protocol_error, 1153, "08S01",
                        "gatehouse: too much data sent while a statement was held"));
          co_return;
        }
        const std::size_t n = std::min(rest.size(), cin_.write_space());
        std::memcpy(cin_.write_ptr(), rest.data(), n);
        cin_.commit(n);
        rest.remove_prefix(n);
      }
      early_.clear();
    }
    if (!go_on) co_return;
  }
}

net::awaitable<bool> mysql_relay::on_command(bytes_view payload, net::asio::const_buffer raw) {
  auto c = mysql::command_of(payload);
  if (!c) {
    const std::string what = payload.empty() ? std::string("an empty command")
                                             : "unknown command " + std::to_string(payload[0]);
    mysql_verdict v = gate_.refuse_command("COM_UNKNOWN", what + " is not allowed through the gateway");
    co_return co_await decided(v, mysql::command::sleep, raw);
  }
  switch (mysql::handling_of(*c)) {
    case mysql::command_handling::refuse:
      co_return co_await refuse_command(*c, refusal_of(*c));
    case mysql::command_handling::classify: {
      if (auto g = grant_change(); g != grant_effect::none)
        if (!co_await apply_grant_change(g)) co_return false;
      if (*c == mysql::command::query) {
        auto q = mysql::decode_query(payload);
        if (q)
          if (auto k = parse_mysql_kill(*q)) co_return co_await kill(*k, *q);
        co_return co_await decided(gate_.on_query(q ? *q : std::string_view()), *c, raw);
      }
      auto p = mysql::decode_stmt_prepare(payload);
      co_return co_await decided(gate_.on_prepare(p ? *p : std::string_view()), *c, raw);
    }
    case mysql::command_handling::relay:
      break;
  }
  gate_.expect_nothing();
  switch (*c) {
    case mysql::command::init_db: {
      if (auto g = grant_change(); g != grant_effect::none)
        if (!co_await apply_grant_change(g)) co_return false;
      auto db = mysql::decode_init_db(payload);
      co_return co_await decided(gate_.on_init_db(db ? *db : std::string_view()), *c, raw);
    }
    case mysql::command::field_list: {
      auto fl = mysql::decode_field_list(payload);
      if (!fl) co_return co_await refuse_command(*c, "malformed COM_FIELD_LIST");
      if (auto g = grant_change(); g != grant_effect::none)
        if (!co_await apply_grant_change(g)) co_return false;
      co_return co_await decided(gate_.on_field_list(fl->table), *c, raw);
    }
    case mysql::command::stmt_execute: {
      auto e = mysql::decode_stmt_execute(payload);
      if (!e) co_return co_await refuse_command(*c, "malformed COM_STMT_EXECUTE");
      if (auto g = grant_change(); g != grant_effect::none)
        if (!co_await apply_grant_change(g)) co_return false;
      co_return co_await decided(gate_.on_execute(e->statement_id), *c, raw);
    }
    case mysql::command::stmt_close:
      if (auto id = mysql::decode_stmt_id(payload, *c)) gate_.on_stmt_close(*id);
      break;
    case mysql::command::set_option:
      // Multi-statements on or off: the server then runs or rejects a text of
      // several statements, and the gate classifies every statement of a
      // text either way, so nothing the gateway decides depends on it.
      break;
    case mysql::command::quit:
      co_await forward(raw);
      finish({mysql_relay_end::reason::client_closed, {}, {}});
      co_return false;
    default:  // ping, statistics, stmt_reset, stmt_fetch, stmt_send_long_data: run nothing new
      break;
  }
  if (!co_await forward(raw)) co_return false;
  co_return co_await relay_response(*c, 0, {});
}

// `KILL [QUERY|CONNECTION] id`: the id is the gateway's (the one its client
// was given), and only a session of the same principal on the same
// connection may be named. The server gets the KILL of that session's
// upstream connection, on this session's own (the same server and database
// user, so no privilege is needed); a
// statement held for review is withdrawn. Any other id is refused as if no
// such session existed, so that ids of other principals' sessions leak
// nothing.
net::awaitable<bool> mysql_relay::kill(const mysql_kill& k, std::string_view sql) {
  auto target = ctx_.svc.mysql_sessions().find(k.id);
  if (!target || target->principal != ctx_.who.name || target->connection != ctx_.conn->name) {
    spdlog::warn("session {} principal={}: KILL {} names no session of this principal on connection {}", ctx_.id,
                 ctx_.who.name, k.id, ctx_.conn->name);
    co_return co_await decided(
        gate_.refuse_command(sql, "KILL " + std::to_string(k.id) + ": no session of principal \"" + ctx_.who.name +
                                      "\" on connection \"" + ctx_.conn->name +
                                      "\" has that id (a principal ends only its own statements, from a "
                                      "session on the same connection)"),
        mysql::command::query, {});
  }
  const mysql_verdict v = gate_.on_own_kill(sql, target->session);
  if (!gate_.flush()) {  // recorded before anything of it takes effect
    finish(ending(mysql_relay_end::reason::audit_failed, 1026, "HY000",
                  "gatehouse: the audit log cannot be written (" + gate_.flush_error() +
                      "); no statement runs unrecorded, so this session ends"));
    co_return false;
  }
  if (target->interrupt) target->interrupt();
  spdlog::info("session {} principal={}: KILL {} of session {}", ctx_.id, ctx_.who.name,
               k.query ? "QUERY" : "CONNECTION", target->session);
  std::string payload;
  mysql::encode_query_payload(payload, std::string(k.query ? "KILL QUERY " : "KILL CONNECTION ") +
                                           std::to_string(target->upstream_thread));
  std::string packet;
  mysql::encode_packets(packet, 0, payload);
  if (!co_await forward(net::asio::buffer(packet))) co_return false;
  co_return co_await relay_response(mysql::command::query, v.slot, {});
}

// Carries out the gate's verdict on a command.
net::awaitable<bool> mysql_relay::decided(mysql_verdict v, mysql::command c, net::asio::const_buffer raw) {
  if (v.outcome == policy::verdict::deny) {
    if (!gate_.flush()) {
      finish(ending(mysql_relay_end::reason::audit_failed, 1026, "HY000",
                    "gatehouse: the audit log cannot be written (" + gate_.flush_error() +
                        "); no statement runs unrecorded, so this session ends"));
      co_return false;
    }
    const bool sent = co_await reply_error(gate_.refusal(v.slot));
    gate_.on_finished(v.slot, -1, {});
    co_return sent;
  }
  // A prepare runs nothing: one that needs review is prepared, and each of its executes is held.
  if (v.outcome == policy::verdict::review && c != mysql::command::stmt_prepare) co_return co_await hold(v.slot, c, raw);
  net::asio::const_buffer rest;
  bool sent = forward_now(raw, rest);
  if (sent && rest.size() > 0) sent = co_await forward_rest(rest);
  if (!sent) {  // recorded, and perhaps not run: the outcome says so
    if (v.slot) gate_.on_finished(v.slot, -1, "the statement may not have reached the database: the session ended");
    co_return false;
  }
  co_return co_await relay_response(c, v.slot, {});
}

net::awaitable<bool> mysql_relay::refuse_command(mysql::command c, std::string_view why) {
  gate_.expect_nothing();
  co_return co_await decided(gate_.refuse_command(mysql::command_name(c), why), c, {});
}

// Changed grants apply before the next statement is decided: the upstream's
// read-only state follows them, and a session only a grant allowed ends.
net::awaitable<bool> mysql_relay::apply_grant_change(grant_effect e) {
  if (e == grant_effect::access_ended) {
    finish(ending(mysql_relay_end::reason::access_ended, 1045, "28000",
                  "gatehouse: the grant that allowed principal \"" + ctx_.who.name + "\" on connection \"" +
                      ctx_.conn->name + "\" has ended; the session ends"));
    co_return false;
  }
  const char* sql = ctx_.read_only ? "SET SESSION TRANSACTION READ ONLY" : "SET SESSION TRANSACTION READ WRITE";
  auto r = co_await run_mysql_query(server_, sin_, up_.caps, sql);
  std::string why = !r ? r.error() : !r->ok ? r->error : std::string();
  for (std::size_t i = 0; r && why.empty() && i < r->session_states.size(); ++i)
    if (auto t = up_.state.on_reported(r->session_states[i], {}, ctx_.read_only); !t) why = t.error();
  if (!why.empty()) {
    spdlog::error("session {} principal={}: changing the upstream's read-only state failed: {}", ctx_.id,
                  ctx_.who.name, why);
    finish(ending(mysql_relay_end::reason::server_closed, 2013, "HY000",
                  "gatehouse: the session could not follow a change of grants; reconnect"));
    co_return false;
  }
  spdlog::info("session {} principal={}: grants changed; upstream read_only={}", ctx_.id, ctx_.who.name,
               ctx_.read_only);
  co_return true;
}

// Makes the events durable, then writes to the server what it takes at
// once; `rest` is what is left for forward_rest (nearly always nothing). A
// plain function, so that the common case costs no coroutine frame.
bool mysql_relay::forward_now(net::asio::const_buffer raw, net::asio::const_buffer& rest) {
  if (!gate_.flush()) {
    finish(ending(mysql_relay_end::reason::audit_failed, 1026, "HY000",
                  "gatehouse: the audit log cannot be written (" + gate_.flush_error() +
                      "); no statement runs unrecorded, so this session ends"));
    return false;
  }
  net::error_code ec;
  rest = server_.write_now(raw, ec);
  if (ec) {
    server_lost();
    return false;
  }
  return true;
}

net::awaitable<bool> mysql_relay::forward_rest(net::asio::const_buffer rest) {
  if (rest.size() == 0) co_return true;
  if (auto ec = co_await server_.write(rest)) {
    server_lost();
    co_return false;
  }
  co_return true;
}

net::awaitable<bool> mysql_relay::forward(net::asio::const_buffer raw) {
  net::asio::const_buffer rest;
  if (!forward_now(raw, rest)) co_return false;
  co_return co_await forward_rest(rest);
}

void mysql_relay::server_lost() {
  finish(ending(mysql_relay_end::reason::server_closed, 2013, "HY000",
                "gatehouse: lost the connection to the database behind connection \"" + ctx_.conn->name + "\""));
}

// The gateway's own answer to the command in flight.
net::awaitable<bool> mysql_relay::reply_error(const mysql::error_reply& err) {
  std::string payload;
  mysql::encode_err_payload(payload, err);
  phase_ = phase::answering;
  if (auto ec = co_await write_mysql_message(client_, static_cast<std::uint8_t>(cmd_seq_ + 1), payload)) {
    finish({mysql_relay_end::reason::client_closed, {}, {}});
    co_return false;
  }
  co_return !stopping_;
}

}  // namespace gh::gateway
