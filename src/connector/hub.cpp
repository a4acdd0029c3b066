#include "connector/hub.hpp"

#include <spdlog/spdlog.h>

#include "common/crypto.hpp"
#include "common/encoding.hpp"
#include "connector/control_link.hpp"
#include "connector/frame_io.hpp"
#include "connector/registry.hpp"
#include "connector/timing.hpp"
#include "wire/connector/control.hpp"
#include "wire/connector/data.hpp"

namespace gh::connector {
namespace {

namespace asio = net::asio;
namespace wc = wire::connector;
using net::use_nothrow;

open_failure unavailable(const session_request& r, std::string why, std::string detail) {
  return {"08001", "connection \"" + r.connection + "\" is unavailable: " + std::move(why), std::move(detail)};
}

// Random, and never all zero (the preamble's "no session").
std::string fresh_id(const random_source& rng, std::size_t size) {
  for (;;) {
    std::string id = random_bytes(rng, size);
    if (id.find_first_not_of('\0') != std::string::npos) return id;
  }
}

// Drops the waiting entry however open() leaves (a claim already did).
struct forget_on_exit {
  registry& reg;
  std::string id;
  ~forget_on_exit() { reg.forget(id); }
};

}  // namespace

hub::hub(std::vector<config::connector_entry> allowed, std::shared_ptr<asio::ssl::context> tls, random_source rng)
    : reg_(std::make_unique<registry>(std::move(allowed))), tls_(std::move(tls)), rng_(std::move(rng)) {}

hub::~hub() = default;

std::size_t hub::live(std::string_view name) const { return reg_->live(name); }

net::awaitable<expected<connector_session, open_failure>> hub::open(session_request r) {
  auto ex = co_await asio::this_coro::executor;
  const auto started = std::chrono::steady_clock::now();
  auto deadline = started + open_timeout;
  if (r.deadline && *r.deadline < deadline) deadline = *r.deadline;
  // A connector lost between our open and its answer: ask the next one.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto p = std::make_shared<pending_open>(ex);
    p->session_id = fresh_id(rng_, wc::session_id_size);
    p->nonce = fresh_id(rng_, wc::nonce_size);
    std::string frame;
    if (!wc::encode_open(frame, {p->session_id, p->nonce, r.connection, r.read_only, r.params}))
      co_return unexpected(open_failure{"08P01", "the startup parameters are too large to pass to connector \"" +
                                                     r.connector + "\"", "open frame over its limit"});
    auto link = reg_->pick(r.connector, p);
    if (!link)
      co_return unexpected(unavailable(r, "no connector \"" + r.connector + "\" is connected to the gateway",
                                       "no live control connection for connector " + r.connector));
    forget_on_exit forget{*reg_, p->session_id};
    link->send(std::move(frame));
    spdlog::debug("session {}: open sent to connector \"{}\" at {}", r.session, link->name(), link->peer());

    p->wake.expires_at(deadline);
    while (!p->socket && !p->failure) {
      auto [ec] = co_await p->wake.async_wait(use_nothrow);
      if (!ec) break;  // the deadline, not a delivery
    }
    p->done = true;
    if (p->socket)
      co_return co_await finish_open(std::move(*p->socket), r, p->session_id, p->nonce, deadline, link);
    if (p->failure && p->retry) {
      spdlog::warn("session {}: connector \"{}\" at {} was lost before it answered; trying another",
                   r.session, link->name(), link->peer());
      continue;
    }
    if (p->failure) co_return unexpected(std::move(*p->failure));
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - started).count();
    co_return unexpected(unavailable(r, "connector \"" + r.connector + "\" did not answer in time",
                                     "no data connection from " + link->peer() + " within " +
                                         std::to_string(waited) + " ms"));
  }
  co_return unexpected(unavailable(r, "connector \"" + r.connector + "\" was lost", "every connector tried was lost"));
}

// On the session's executor: TLS on the data connection, the connector's
// proof that this is the connection we asked for, then its report.
net::awaitable<expected<connector_session, open_failure>> hub::finish_open(
    net::tcp::socket socket, const session_request& r, const std::string& session_id, const std::string& nonce,
    std::chrono::steady_clock::time_point deadline, std::weak_ptr<control_link> link) {
  net::error_code ignored;
  auto ep = socket.remote_endpoint(ignored);
  const std::string peer = ep.address().to_string() + ":" + std::to_string(ep.port());
  auto stream = std::make_unique<tls_stream>(std::move(socket), *tls_);
  watchdog dog(stream->get_executor(), stream->next_layer());
  dog.arm(deadline - std::chrono::steady_clock::now());
  const auto broken = [&](std::string detail) {
    spdlog::warn("session {}: data connection from connector \"{}\" at {}: {}", r.session, r.connector, peer, detail);
    return unexpected(unavailable(r, "the data connection from connector \"" + r.connector + "\" failed",
                                  std::move(detail)));
  };

  auto [hec] = co_await stream->async_handshake(asio::ssl::stream_base::server, use_nothrow);
  if (hec) co_return broken(dog.fired() ? "TLS handshake timed out" : "TLS handshake: " + handshake_failure(*stream, hec));
  auto hello = co_await read_frame(*stream, wc::data_hello_body_max);
  if (!hello) co_return broken(dog.fired() ? "timed out" : hello.error().what);
  expected<wc::data_hello, wc::codec_error> proof = unexpected(wc::codec_error::unexpected_type);
  if (hello->type == wc::msg::data) proof = wc::decode_data_hello(as_bytes(hello->body));
  if (!proof) co_return broken(std::string("malformed data hello: ") + std::string(wc::describe(proof.error())));
  // Both compared whole, without timing leaks; a wrong nonce is a connection
  // we never asked for, whatever its preamble said.
  const bool id_ok = constant_time_equal(proof->session_id, session_id);
  const bool nonce_ok = constant_time_equal(proof->nonce, nonce);
  if (!(id_ok & nonce_ok)) co_return broken("wrong session id or nonce; closed");

  auto reply = co_await read_frame(*stream, wc::data_reply_body_max);
  if (!reply) co_return broken(dog.fired() ? "no ready or failed in time" : reply.error().what);
  if (reply->type == wc::msg::failed) {
    auto f = wc::decode_failed(as_bytes(reply->body));
    if (!f) co_return broken(std::string("malformed failed: ") + std::string(wc::describe(f.error())));
    co_return unexpected(open_failure{f->sqlstate, f->message, "reported by connector \"" + r.connector + "\" at " + peer});
  }
  expected<wc::ready, wc::codec_error> ready = unexpected(wc::codec_error::unexpected_type);
  if (reply->type == wc::msg::ready) ready = wc::decode_ready(as_bytes(reply->body));
  if (!ready) co_return broken(std::string("malformed ready: ") + std::string(wc::describe(ready.error())));
  dog.disarm();
  if (dog.fired()) co_return broken("timed out");

  auto owner = link.lock();
  connector_session out;
  out.greeting = std::move(ready->greeting);
  out.tx_status = ready->tx_status;
  out.via = "\"" + r.connector + "\" at " + (owner ? owner->peer() : peer);
  out.cancel = [link, session_id] {
    if (auto l = link.lock()) {
      std::string f;
      if (wc::encode_cancel(f, {session_id})) l->send(std::move(f));
    }
  };
  out.lease = std::make_shared<session_lease>(stream->get_executor(), &stream->next_layer(), link);
  out.stream = std::move(stream);
  // Lost while we were busy: the session would outlive its connector.
  if (!owner || !owner->attach(out.lease)) co_return broken("the connector's control connection ended");
  co_return std::move(out);
}

}  // namespace gh::connector
