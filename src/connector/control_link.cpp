#include "connector/control_link.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include "config/values.hpp"
#include "connector/frame_io.hpp"
#include "connector/registry.hpp"
#include "connector/timing.hpp"
#include "wire/connector/control.hpp"

namespace gh::connector {
namespace {

namespace asio = net::asio;
namespace wc = wire::connector;
using net::use_nothrow;

}  // namespace

session_lease::~session_lease() {
  if (auto l = link_.lock()) l->detach(this);
}

void session_lease::end() {
  asio::post(executor_, [weak = weak_from_this()] {
    // Alive here means the session still owns its stream (both live on this
    // executor, and the lease goes first).
    if (auto self = weak.lock()) {
      net::error_code ignored;
      self->socket_->close(ignored);
    }
  });
}

control_link::control_link(registry& reg, tls_stream stream, std::string peer)
    : reg_(reg),
      stream_(std::move(stream)),
      peer_(std::move(peer)),
      out_(stream_.get_executor()),
      beat_(stream_.get_executor()) {}

void control_link::send(std::string frame) {
  asio::post(stream_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
    self->out_.push(std::move(f));
  });
}

void control_link::close() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->stop("the gateway is shutting down"); });
}

bool control_link::attach(const std::shared_ptr<session_lease>& lease) {
  std::lock_guard lock(mu_);
  if (gone_) return false;
  sessions_.emplace(lease.get(), lease);
  return true;
}

void control_link::detach(const session_lease* lease) {
  std::lock_guard lock(mu_);
  sessions_.erase(lease);
}

void control_link::end_sessions() {
  std::unordered_map<const session_lease*, std::weak_ptr<session_lease>> ending;
  {
    std::lock_guard lock(mu_);
    gone_ = true;
    ending.swap(sessions_);
  }
  for (auto& [ptr, weak] : ending)
    if (auto lease = weak.lock()) lease->end();
}

// TLS, then the connector's hello: its name and token, checked against
// `connectors:`. Within handshake_timeout, or the connection is closed.
net::awaitable<bool> control_link::greet() {
  watchdog dog(stream_.get_executor(), stream_.next_layer());
  dog.arm(handshake_timeout);
  auto [hec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_nothrow);
  if (hec) {
    spdlog::warn("connectors listener: TLS handshake with {} failed: {}{}", peer_,
                 dog.fired() ? "timed out" : handshake_failure(stream_, hec),
                 dog.fired() ? "" : " (does the connector trust this gateway's certificate?)");
    co_return false;
  }
  auto f = co_await read_frame(stream_, wc::hello_body_max);
  if (!f) {
    spdlog::warn("connectors listener: control connection from {} ended before its hello: {}", peer_,
                 dog.fired() ? "timed out" : f.error().what);
    co_return false;
  }
  expected<wc::hello, wc::codec_error> hi = unexpected(wc::codec_error::unexpected_type);
  if (f->type == wc::msg::hello) hi = wc::decode_hello(as_bytes(f->body));
  if (!hi) {
    spdlog::warn("connectors listener: control connection from {}: malformed hello ({}); closed", peer_,
                 wc::describe(hi.error()));
    co_return false;
  }
  if (!reg_.admits(hi->name, hi->token)) {
    // The name comes from a peer not yet trusted: logged only when it has a
    // name's shape, so that it cannot forge log lines.
    spdlog::warn("connectors listener: connector {} from {} refused: no connector of that name with "
                 "that token (connectors: in the gateway's file)",
                 config::is_name(hi->name) ? "\"" + hi->name + "\"" : std::string("with a malformed name"), peer_);
    std::string out;
    (void)wc::encode_refused(out, {"unknown connector name or wrong token"});
    co_await write_all(stream_, out);
    co_return false;
  }
  name_ = std::move(hi->name);
  std::string out;
  wc::encode_welcome(out);
  if (co_await write_all(stream_, out)) co_return false;
  dog.disarm();
  co_return !dog.fired();
}

net::awaitable<void> control_link::run() {
  if (!co_await greet()) {
    net::error_code ignored;
    stream_.next_layer().close(ignored);
    co_return;
  }
  last_heard_ = std::chrono::steady_clock::now();
  reg_.add(shared_from_this());
  spdlog::info("connector \"{}\" connected from {} ({} live under that name)", name_, peer_, reg_.live(name_));
  using namespace asio::experimental::awaitable_operators;
  co_await (read_loop() && write_loop() && heartbeat_loop());
  reg_.remove(this);
  end_sessions();
  spdlog::warn("connector \"{}\" from {} disconnected: {} ({} live under that name)", name_, peer_, why_,
               reg_.live(name_));
}

// Ends all three loops: each fails or wakes on the closed socket and timers.
void control_link::stop(std::string why) {
  if (stopping_) return;
  stopping_ = true;
  why_ = std::move(why);
  out_.close();
  beat_.cancel();
  net::error_code ignored;
  stream_.next_layer().close(ignored);
}

net::awaitable<void> control_link::read_loop() {
  while (!stopping_) {
    auto f = co_await read_frame(stream_, wc::hello_body_max);
    if (!f) {
      stop(f.error().closed ? "connection closed (" + f.error().what + ")" : "protocol error: " + f.error().what);
      co_return;
    }
    last_heard_ = std::chrono::steady_clock::now();
    if (f->type != wc::msg::heartbeat || !wc::decode_heartbeat(as_bytes(f->body))) {
      stop(std::string("protocol error: unexpected frame '") + f->type + "' from the connector");
      co_return;
    }
  }
}

net::awaitable<void> control_link::write_loop() {
  if (auto ec = co_await out_.run(stream_)) stop("write failed: " + ec.message());
}

net::awaitable<void> control_link::heartbeat_loop() {
  while (!stopping_) {
    beat_.expires_after(heartbeat_interval);
    co_await beat_.async_wait(use_nothrow);
    if (stopping_) co_return;
    if (std::chrono::steady_clock::now() - last_heard_ > peer_silence_max) {
      stop("no heartbeat for " + std::to_string(peer_silence_max.count()) + "s");
      co_return;
    }
    std::string hb;
    wc::encode_heartbeat(hb);
    out_.push(std::move(hb));
  }
}

}  // namespace gh::connector
