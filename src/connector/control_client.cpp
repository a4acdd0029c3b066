#include "connector/control_client.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include "common/encoding.hpp"
#include "connector/backoff.hpp"
#include "connector/data_session.hpp"
#include "connector/dialer.hpp"
#include "connector/frame_io.hpp"
#include "connector/timing.hpp"
#include "gateway/pg_upstream.hpp"
#include "wire/connector/control.hpp"

namespace gh::connector {
namespace {

namespace asio = net::asio;
namespace wc = wire::connector;
using net::use_nothrow;

std::string seconds_text(std::chrono::milliseconds d) {
  return std::to_string(d.count() / 1000) + "." + std::to_string(d.count() % 1000 / 100) + "s";
}

}  // namespace

void control_client::stop() {
  asio::post(ex_, [this] {
    stopped_ = true;
    pause_.cancel();
    drop("the connector is stopping");
  });
}

net::awaitable<void> control_client::run() {
  unsigned attempt = 0;
  while (!stopped_) {
    bool welcomed = false;
    bool refused = false;
    std::string why = co_await serve_once(welcomed, refused);
    // The sessions die with the connection that carried them: the gateway
    // ends its side too, and no cancel could reach them any more.
    rt_.sessions.end_all();
    if (stopped_) break;
    if (welcomed) attempt = 0;
    auto delay = reconnect_delay(attempt++, rt_.rng);
    if (refused)
      spdlog::error("{}; retrying in {}", why, seconds_text(delay));
    else if (welcomed)
      spdlog::warn("lost the gateway at {}: {}; reconnecting in {}", rt_.gateway(), why, seconds_text(delay));
    else
      spdlog::warn("cannot connect to the gateway at {}: {}; retrying in {}", rt_.gateway(), why, seconds_text(delay));
    pause_.expires_after(delay);
    co_await pause_.async_wait(use_nothrow);
  }
  spdlog::info("connector \"{}\" stopped", rt_.cfg.name);
}

net::awaitable<std::string> control_client::serve_once(bool& welcomed, bool& refused) {
  // Named, not a braced temporary: GCC 12 destroys a braced temporary in a
  // co_await expression twice.
  const wc::preamble hello_preamble{wc::link_kind::control, {}};
  auto dialed = co_await dial_gateway(rt_, hello_preamble);
  if (!dialed) {
    if (dialed.error().untrusted)
      co_return dialed.error().what + " (not sending the token to a gateway this connector cannot verify; check " +
          (rt_.cfg.ca.empty() ? std::string("the system's CA store") : "connector.ca " + rt_.cfg.ca) +
          " and that the certificate names " + rt_.cfg.gateway_host + ")";
    co_return dialed.error().what;
  }
  tls_stream& s = **dialed;
  // The answer to hello is bounded like the handshake: a gateway (or a path
  // to it) that went silent after TLS must not hold this connector forever,
  // with no heartbeat yet to notice.
  watchdog dog(s.get_executor(), s.next_layer());
  dog.arm(handshake_timeout);
  std::string out;
  if (!wc::encode_hello(out, {rt_.cfg.name, rt_.cfg.token.reveal()})) co_return std::string("the token is too long");
  if (auto ec = co_await write_all(s, out)) co_return "connection lost: " + ec.message();
  auto reply = co_await read_frame(s, wc::control_body_max);
  if (!reply)
    co_return dog.fired() ? "no answer to hello within " + std::to_string(handshake_timeout.count()) + "s"
                          : "no answer to hello: " + reply.error().what;
  dog.disarm();
  if (dog.fired()) co_return std::string("the answer to hello came too late");
  if (reply->type == wc::msg::refused) {
    auto r = wc::decode_refused(as_bytes(reply->body));
    refused = true;
    co_return "the gateway at " + rt_.gateway() + " refused connector \"" + rt_.cfg.name + "\": " +
        (r ? r->reason : std::string("no reason given")) +
        " (connector.token must be the token whose sha256 the gateway lists under connectors:)";
  }
  if (reply->type != wc::msg::welcome || !wc::decode_welcome(as_bytes(reply->body)))
    co_return std::string("protocol error: no welcome after hello");
  welcomed = true;
  spdlog::info("connector \"{}\" connected to the gateway at {}", rt_.cfg.name, rt_.gateway());

  frame_queue queue(ex_);
  asio::steady_timer beat(ex_);
  stream_ = &s;
  out_ = &queue;
  beat_ = &beat;
  why_.clear();
  dropped_ = false;
  last_heard_ = std::chrono::steady_clock::now();
  using namespace asio::experimental::awaitable_operators;
  auto writer = [&]() -> net::awaitable<void> {
    if (auto ec = co_await queue.run(s)) drop("write failed: " + ec.message());
  };
  co_await (read_loop(s) && writer() && heartbeat_loop());
  stream_ = nullptr;
  out_ = nullptr;
  beat_ = nullptr;
  co_return why_;
}

// Ends the connection being served, if any; the loops then end.
void control_client::drop(std::string why) {
  if (!stream_ || dropped_) return;
  dropped_ = true;
  why_ = std::move(why);
  out_->close();
  beat_->cancel();
  net::error_code ignored;
  stream_->next_layer().close(ignored);
}

net::awaitable<void> control_client::read_loop(tls_stream& s) {
  for (;;) {
    auto f = co_await read_frame(s, wc::control_body_max);
    if (!f) {
      drop(f.error().closed ? "connection closed (" + f.error().what + ")" : "protocol error: " + f.error().what);
      co_return;
    }
    last_heard_ = std::chrono::steady_clock::now();
    switch (f->type) {
      case wc::msg::heartbeat: break;
      case wc::msg::open: on_open(std::move(f->body)); break;
      case wc::msg::cancel: on_cancel(std::move(f->body)); break;
      default:
        drop(std::string("protocol error: unexpected frame '") + f->type + "' from the gateway");
        co_return;
    }
    if (dropped_) co_return;
  }
}

net::awaitable<void> control_client::heartbeat_loop() {
  while (!dropped_) {
    beat_->expires_after(heartbeat_interval);
    co_await beat_->async_wait(use_nothrow);
    if (dropped_) co_return;
    if (std::chrono::steady_clock::now() - last_heard_ > peer_silence_max) {
      drop("no heartbeat from the gateway for " + std::to_string(peer_silence_max.count()) + "s");
      co_return;
    }
    std::string hb;
    wc::encode_heartbeat(hb);
    out_->push(std::move(hb));
  }
}

void control_client::on_open(std::string body) {
  auto req = wc::decode_open(as_bytes(body));
  if (!req) {
    drop(std::string("protocol error: malformed open (") + std::string(wc::describe(req.error())) + ")");
    return;
  }
  auto& io = rt_.next();
  auto session = std::make_shared<data_session>(rt_, std::move(*req), io.get_executor());
  asio::co_spawn(io, [session]() -> net::awaitable<void> { co_await session->run(); }, asio::detached);
}

void control_client::on_cancel(std::string body) {
  auto req = wc::decode_cancel(as_bytes(body));
  if (!req) {
    drop(std::string("protocol error: malformed cancel (") + std::string(wc::describe(req.error())) + ")");
    return;
  }
  auto target = rt_.sessions.cancel_target_of(req->session_id);
  const std::string tag = to_hex(req->session_id.substr(0, 6));
  if (!target) {
    spdlog::info("cancel for session {}: no such session open here", tag);
    return;
  }
  spdlog::info("cancel for session {}: sending CancelRequest to its database", tag);
  // The target moves into the coroutine: the reference the call takes must
  // outlive it.
  asio::co_spawn(
      ex_, [t = std::move(*target)]() -> net::awaitable<void> { co_await gateway::send_upstream_cancel(t); },
      asio::detached);
}

}  // namespace gh::connector
