// Moves bytes between a client and its upstream once both are ready, asking
// the gate about every Query, Parse and Execute on the way in and tracking
// every response on the way out. Runs of messages are forwarded as they were
// read, without re-encoding; only a refused message is replaced (by one the
// server is certain to reject, so that its error state matches PostgreSQL's)
// and the server's answer to it is replaced by the gateway's refusal. A
// statement that needs review is held: nothing after it is forwarded until a
// reviewer decides, the client is told with a NoticeResponse, and the wait
// ends on approval, rejection, review_timeout, a CancelRequest or the
// client leaving.
// Included by pg_session.cpp only (a template over the client stream type).
#pragma once

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "gateway/client_writer.hpp"
#include "gateway/drainable.hpp"
#include "gateway/io_buffer.hpp"
#include "gateway/net.hpp"
#include "gateway/pg_gate.hpp"
#include "gateway/pg_pipeline.hpp"
#include "gateway/services.hpp"
#include "gateway/worker.hpp"
#include "wire/pg/backend.hpp"
#include "wire/pg/framing.hpp"
#include "wire/pg/frontend.hpp"

namespace gh::gateway {

struct relay_end {
  enum class reason { client_closed, server_closed, protocol_error, audit_failed, shutdown, access_ended };
  reason why = reason::client_closed;
  std::string sqlstate;   // what to tell the client in a FATAL, when anything
  std::string message;
};

// A message the server is certain to reject at parse time: standing in for a
// refused statement, it puts the server in the state the refused statement's
// own error would have (transaction aborted, rest of the pipeline skipped).
inline constexpr std::string_view refused_stand_in = "GATEHOUSE REFUSED THIS STATEMENT";
inline constexpr std::string_view refused_portal = "gatehouse refused this portal";

// Collects what to forward: runs of the input as they are, with replaced or
// inserted messages spliced in. Nothing is copied unless something changed.
class outbound {
 public:
  void start(const std::uint8_t* at) {
    run_ = at;
    assembled_.clear();
    rewritten_ = false;
  }
  // Replaces `size` bytes at `msg` (0: inserts before `msg`).
  void replace(const std::uint8_t* msg, std::size_t size, std::string_view with) {
    assembled_.append(reinterpret_cast<const char*>(run_), static_cast<std::size_t>(msg - run_));
    assembled_.append(with);
    run_ = msg + size;
    rewritten_ = true;
  }
  // The bytes to write for input [begin, end).
  net::asio::const_buffer finish(const std::uint8_t* begin, const std::uint8_t* end) {
    if (!rewritten_) return {begin, static_cast<std::size_t>(end - begin)};
    assembled_.append(reinterpret_cast<const char*>(run_), static_cast<std::size_t>(end - run_));
    return {assembled_.data(), assembled_.size()};
  }

 private:
  const std::uint8_t* run_ = nullptr;
  std::string assembled_;
  bool rewritten_ = false;
};

// ClientStream and ServerStream: a tcp::socket or an ssl::stream over one (a
// TLS client; the data connection of a connector).
template <class ClientStream, class ServerStream = net::tcp::socket>
class pg_relay final : public drainable {
 public:
  pg_relay(ClientStream& client, ServerStream& server, session_context& ctx)
      : client_(client),
        server_(server),
        ctx_(ctx),
        gate_(ctx),
        cin_(16 * 1024),
        sin_(32 * 1024),
        writer_(server.get_executor()),
        expiry_(server.get_executor()),
        mailbox_(std::make_shared<hold_mailbox>(server.get_executor())) {
    ctx_.w.add_session(this);
    // For write_now: a plain socket's own writes then never block.
    net::error_code ignored;
    if constexpr (std::is_same_v<ClientStream, net::tcp::socket>) client_.non_blocking(true, ignored);
    if constexpr (std::is_same_v<ServerStream, net::tcp::socket>) server_.non_blocking(true, ignored);
  }
  ~pg_relay() {
    mailbox_->alive = false;
    ctx_.w.remove_session(this);
  }
  pg_relay(const pg_relay&) = delete;
  pg_relay& operator=(const pg_relay&) = delete;

  net::awaitable<relay_end> run() {
    using namespace net::asio::experimental::awaitable_operators;
    co_await (client_to_server() && server_to_client() && watch_expiry());
    gate_.on_session_end(end_.why == relay_end::reason::client_closed
                             ? "the client's connection closed before the statement's end was seen"
                         : end_.why == relay_end::reason::server_closed
                             ? "the connection to the database was lost before the statement's end was seen"
                             : "the session ended before the statement's end was seen");
    co_return end_;
  }

  // For the cancel registry: a CancelRequest also ends a review wait.
  std::function<void()> interrupter() { return interrupter_of(mailbox_); }

  // Shutdown: end now if nothing is in flight, else once it is answered.
  void drain() override {
    draining_ = true;
    if (pipe_.idle() && !holding_) finish(shutting_down());
  }

 private:
  enum class step : std::uint8_t { proceed, hold, stop };

  void finish(relay_end why) {
    if (stopping_) return;
    stopping_ = true;
    end_ = std::move(why);
    net::error_code ignored;
    expiry_.cancel();
    server_.lowest_layer().cancel(ignored);
    client_.lowest_layer().cancel(ignored);
    writer_.close();
    mailbox_->wake();
  }

  // A session does not outlive its identity: at the token's expiry (or
  // identity.session_max) it ends, whatever it is doing, and nothing after
  // that moment runs.
  net::awaitable<void> watch_expiry() {
    if (!ctx_.expires_at) co_return;
    expiry_.expires_at(*ctx_.expires_at);
    auto [ec] = co_await expiry_.async_wait(net::use_nothrow);
    if (ec || stopping_) co_return;
    spdlog::info("session {} principal={}: identity expired; ending the session", ctx_.id, ctx_.who.name);
    finish({relay_end::reason::access_ended, "28000",
            "terminating connection: the identity of principal \"" + ctx_.who.name +
                "\" has expired (token exp or identity.session_max); reconnect with a fresh token"});
  }

  static relay_end shutting_down() {
    return {relay_end::reason::shutdown, "57P01", "terminating connection because the gateway is shutting down"};
  }

  // Writes what the kernel takes at once (nearly always all of it) and
  // returns the rest, for async_write. The direct write skips posting a
  // completion and resuming from it: 3.6k of the io thread's 20k
  // instructions per statement (callgrind, docs/benchmarks.md). TLS streams
  // write through their engine: all of it is "rest".
  // Callers hold the stream's writer, so writes never interleave.
  template <class Stream>
  static net::asio::const_buffer write_now(Stream& s, net::asio::const_buffer bytes, net::error_code& ec) {
    if constexpr (std::is_same_v<Stream, net::tcp::socket>) {
      return net::write_now(s, bytes, ec);
    } else {
      return bytes;
    }
  }

  relay_end protocol_error(std::string message) {
    return {relay_end::reason::protocol_error, "08P01", std::move(message)};
  }

  // ---- client to server --------------------------------------------------

  net::awaitable<void> client_to_server() {
    const std::uint32_t limit = ctx_.svc.cfg().limits.message_max;
    for (;;) {
      if (stopping_) co_return;
      if (!cin_.make_room(limit)) {
        finish(protocol_error("message larger than the gateway's limit of " + std::to_string(limit) + " bytes"));
        co_return;
      }
      auto [ec, n] = co_await client_.async_read_some(
          net::asio::buffer(cin_.write_ptr(), cin_.write_space()), net::use_nothrow);
      if (ec) {
        finish({relay_end::reason::client_closed, {}, {}});
        co_return;
      }
      cin_.commit(n);
      if (!co_await process_client_bytes(limit)) co_return;
    }
  }

  // Frames and decides everything buffered, forwarding it in runs; a held
  // statement splits the run. False when the relay is ending.
  net::awaitable<bool> process_client_bytes(std::uint32_t limit) {
    for (;;) {
      const std::uint8_t* begin = cin_.data();
      std::size_t used = 0;
      out_.start(begin);
      bool terminate = false;
      step s = step::proceed;
      std::size_t held_size = 0;
      while (!terminate) {
        // The type byte is checked before the length: a stray StartupMessage
        // or garbage must not make the gateway wait for a length it claims.
        if (used < cin_.size() && !frontend_type(static_cast<char>(cin_.data()[used]))) {
          finish(protocol_error("invalid frontend message type " + std::to_string(cin_.data()[used])));
          co_return false;
        }
        auto f = wire::pg::next_message(cin_.readable().subspan(used), limit);
        if (f.status == wire::pg::frame_status::need_more) break;
        if (f.status == wire::pg::frame_status::error) {
          finish(protocol_error(std::string("invalid message from the client: ") +
                                std::string(wire::pg::describe(f.error))));
          co_return false;
        }
        s = on_client_message(f, begin + used);
        if (s == step::stop) co_return false;
        if (s == step::hold) {
          held_size = f.size;
          break;
        }
        terminate = f.type == wire::pg::fe::terminate;
        used += f.size;
      }
      if (used > 0 && !co_await forward(out_.finish(begin, begin + used))) co_return false;
      cin_.consume(used);
      if (terminate) {
        finish({relay_end::reason::client_closed, {}, {}});
        co_return false;
      }
      if (s != step::hold) co_return true;
      // The held message is now at the front of cin_; decide it, then go on
      // with whatever followed it.
      if (!co_await resolve_hold(held_size)) co_return false;
    }
  }

  // Makes the events durable, then writes to the server.
  net::awaitable<bool> forward(net::asio::const_buffer bytes) {
    if (!gate_.flush()) {
      finish({relay_end::reason::audit_failed, "58030",
              "the audit log cannot be written (" + gate_.flush_error() +
                  "); no statement runs unrecorded, so this session ends"});
      co_return false;
    }
    if (bytes.size() == 0) co_return true;
    net::error_code wec;
    auto rest = write_now(server_, bytes, wec);
    if (!wec && rest.size() > 0)
      std::tie(wec, std::ignore) = co_await net::asio::async_write(server_, rest, net::use_nothrow);
    if (wec) {
      finish({relay_end::reason::server_closed, {}, {}});
      co_return false;
    }
    co_return true;
  }

  // Applies changed grants before a statement is decided: the upstream's
  // read-only state follows them, and a session only a grant allowed ends.
  bool apply_grant_changes(const std::uint8_t* msg) {
    switch (gate_.refresh_grants(std::chrono::system_clock::now())) {
      case grant_change::none:
        return true;
      case grant_change::access_ended:
        finish({relay_end::reason::access_ended, "28000",
                "terminating connection: the grant that allowed principal \"" + ctx_.who.name +
                    "\" on connection \"" + ctx_.conn->name + "\" has ended"});
        return false;
      case grant_change::read_only_on:
      case grant_change::read_only_off: {
        scratch_.clear();
        wire::pg::encode_query(scratch_, ctx_.read_only ? "SET default_transaction_read_only = on"
                                                        : "SET default_transaction_read_only = off");
        pipe_.push({pending_kind::internal, 0});
        out_.replace(msg, 0, scratch_);
        spdlog::info("session {} principal={}: grants changed; upstream read_only={}", ctx_.id, ctx_.who.name,
                     ctx_.read_only);
        return true;
      }
    }
    return true;
  }

  // Decides one client message.
  step on_client_message(const wire::pg::frame& f, const std::uint8_t* msg) {
    namespace pg = wire::pg;
    switch (f.type) {
      case pg::fe::query: {
        auto q = pg::decode_query(f.body);
        if (!q) return bad(f);
        if (!apply_grant_changes(msg)) return step::stop;
        copy_ = copy_state::none;
        gate_verdict v = gate_.on_query(q->sql);
        if (v.outcome == policy::verdict::review) return hold(v, true);
        if (v.outcome == policy::verdict::allow) pipe_.push({pending_kind::query, v.slot});
        else refuse(v.slot, true, msg, f.size);
        return step::proceed;
      }
      case pg::fe::parse: {
        auto p = pg::decode_parse(f.body);
        if (!p) return bad(f);
        if (!apply_grant_changes(msg)) return step::stop;
        gate_verdict v = gate_.on_parse(p->statement, p->sql);
        if (v.outcome == policy::verdict::deny) {
          scratch_.clear();
          pg::encode_parse(scratch_, p->statement, refused_stand_in);
          pipe_.push({pending_kind::refused_extended, v.slot});
          out_.replace(msg, f.size, scratch_);
        } else {
          pipe_.push({pending_kind::parse, 0});
        }
        return step::proceed;
      }
      case pg::fe::bind: {
        auto b = pg::decode_bind(f.body);
        if (!b) return bad(f);
        gate_.on_bind(b->portal, b->statement);
        pipe_.push({pending_kind::bind, 0});
        return step::proceed;
      }
      case pg::fe::describe: {
        auto d = pg::decode_describe(f.body);
        if (!d) return bad(f);
        pipe_.push({pending_kind::describe, 0});
        return step::proceed;
      }
      case pg::fe::execute: {
        auto e = pg::decode_execute(f.body);
        if (!e) return bad(f);
        if (!apply_grant_changes(msg)) return step::stop;
        gate_verdict v = gate_.on_execute(e->portal);
        if (v.outcome == policy::verdict::review) return hold(v, false);
        if (v.outcome == policy::verdict::allow) pipe_.push({pending_kind::execute, v.slot});
        else refuse(v.slot, false, msg, f.size);
        return step::proceed;
      }
      case pg::fe::close: {
        auto c = pg::decode_close(f.body);
        if (!c) return bad(f);
        gate_.on_close(c->kind, c->name);
        pipe_.push({pending_kind::close, 0});
        return step::proceed;
      }
      case pg::fe::sync:
        copy_ = copy_state::none;
        pipe_.push({pending_kind::sync, 0});
        return step::proceed;
      case pg::fe::flush:
      case pg::fe::terminate:
        return step::proceed;
      case pg::fe::copy_data:
      case pg::fe::copy_done:
      case pg::fe::copy_fail:
        if (copy_ == copy_state::in) {
          if (f.type != pg::fe::copy_data) copy_ = copy_state::none;
          return step::proceed;
        }
        if (copy_ == copy_state::failed) {
          // The server already ended this COPY with an error and ignores the
          // rest of its data, as the protocol allows; so do we.
          out_.replace(msg, f.size, {});
          return step::proceed;
        }
        finish(protocol_error("COPY data sent while no COPY FROM STDIN is in progress"));
        return step::stop;
      case pg::fe::function_call:
        refuse(gate_.refuse_message("FunctionCall (fast-path) message",
                                    "the fast-path function call protocol is not allowed through the gateway; "
                                    "call the function in a SQL statement instead").slot,
               true, msg, f.size);
        return step::proceed;
      case pg::fe::password:
        finish(protocol_error("unexpected authentication message after startup"));
        return step::stop;
      default:
        finish(protocol_error("invalid frontend message type " +
                              std::to_string(static_cast<unsigned char>(f.type))));
        return step::stop;
    }
  }

  // Replaces a refused message by the stand-in whose error becomes the refusal.
  void refuse(std::uint32_t slot, bool simple, const std::uint8_t* msg, std::size_t size) {
    scratch_.clear();
    if (simple) wire::pg::encode_query(scratch_, refused_stand_in);
    else wire::pg::encode_execute(scratch_, refused_portal, 0);
    pipe_.push({simple ? pending_kind::refused_query : pending_kind::refused_extended, slot});
    out_.replace(msg, size, scratch_);
  }

  step hold(gate_verdict v, bool simple) {
    held_slot_ = v.slot;
    held_simple_ = simple;
    return step::hold;
  }

  step bad(const wire::pg::frame& f) {
    finish(protocol_error(std::string("malformed '") + f.type + "' message from the client"));
    return step::stop;
  }

  // ---- holding a statement for review --------------------------------------

  // The held message of `size` bytes is at the front of cin_. Opens the
  // review, tells the client, waits, and forwards the message or its refusal.
  net::awaitable<bool> resolve_hold(std::size_t size) {
    holding_ = true;
    held_review_.clear();
    review_outcome outcome = co_await wait_for_review();
    holding_ = false;
    if (stopping_) co_return false;

    const std::uint8_t* msg = cin_.data();
    out_.start(msg);
    if (outcome.state == review_state::approved) {
      gate_.on_approved(held_slot_, outcome.decided_by);
      pipe_.push({held_simple_ ? pending_kind::query : pending_kind::execute, held_slot_});
    } else {
      std::string sqlstate = "42501";
      std::string message;
      switch (outcome.state) {
        case review_state::rejected:
          message = "gatehouse: review " + held_review_ + " was rejected by " + outcome.decided_by +
                    (outcome.comment.empty() ? std::string() : ": " + outcome.comment);
          break;
        case review_state::cancelled:
          sqlstate = "57014";
          message = "canceling statement due to user request (review " + held_review_ + " withdrawn)";
          break;
        case review_state::expired:
          message = "gatehouse: review " + held_review_ + " expired: no reviewer decided within " +
                    std::to_string(ctx_.svc.cfg().gateway.review_timeout.count()) + "s";
          break;
        default:
          message = "gatehouse: statement refused: it needs a reviewer's approval (rule \"" +
                    gate_.hold_subject(held_slot_).rule + "\"), and " +
                    (held_review_.empty() ? "no review could be opened: " + outcome.comment
                                          : "review " + held_review_ + " could not be completed: " + outcome.comment);
          break;
      }
      gate_.on_not_approved(held_slot_, sqlstate, message, to_string(outcome.state));
      refuse(held_slot_, held_simple_, msg, size);
    }
    if (!co_await forward(out_.finish(msg, msg + size))) co_return false;
    cin_.consume(size);
    co_return true;
  }

  net::awaitable<review_outcome> wait_for_review() {
    review_outcome failed;
    failed.state = review_state::orphaned;
    if (!ctx_.svc.reviews) {
      failed.comment = "this gateway has no review service configured";
      co_return failed;
    }
    auto mailbox = mailbox_;
    auto opened = open_review_into(mailbox, *ctx_.svc.reviews, gate_.hold_subject(held_slot_));
    if (!opened) {
      failed.comment = std::string(describe(opened.error()));
      co_return failed;
    }
    held_review_ = *opened;
    gate_.on_held(held_slot_, held_review_);
    if (!gate_.flush()) {
      ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
      finish({relay_end::reason::audit_failed, "58030",
              "the audit log cannot be written (" + gate_.flush_error() + ")"});
      co_return failed;
    }
    co_await send_hold_notice();

    net::asio::steady_timer timer(server_.get_executor());
    mailbox->timer = &timer;
    const auto deadline = std::chrono::steady_clock::now() + ctx_.svc.cfg().gateway.review_timeout;
    using namespace net::asio::experimental::awaitable_operators;
    while (!mailbox->outcome && !stopping_) {
      if (mailbox->cancel_requested) {
        ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
        if (!mailbox->outcome) mailbox->outcome = review_outcome{review_state::cancelled, ctx_.who.name, {}};
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        ctx_.svc.reviews->withdraw(held_review_, review_state::expired);
        if (!mailbox->outcome) mailbox->outcome = review_outcome{review_state::expired, "gatehouse", {}};
        break;
      }
      timer.expires_at(deadline);
      // Watch the client too: leaving (or Ctrl-C's CancelRequest, which
      // arrives through the registry) withdraws the review.
      auto which = co_await (timer.async_wait(net::use_nothrow) ||
                             client_.lowest_layer().async_wait(net::tcp::socket::wait_read, net::use_nothrow));
      if (which.index() == 1 && !mailbox->outcome && !stopping_) {
        if (!cin_.make_room(ctx_.svc.cfg().limits.message_max)) continue;
        auto [ec, n] = co_await client_.async_read_some(
            net::asio::buffer(cin_.write_ptr(), cin_.write_space()), net::use_nothrow);
        if (ec) {
          ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
          mailbox->timer = nullptr;
          finish({relay_end::reason::client_closed, {}, {}});
          co_return failed;
        }
        cin_.commit(n);  // pipelined after the held statement: it waits its turn
      }
    }
    mailbox->timer = nullptr;
    if (stopping_) {
      ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
      co_return failed;
    }
    co_return *mailbox->outcome;
  }

  net::awaitable<void> send_hold_notice() {
    const auto& cfg = ctx_.svc.cfg();
    std::string url;
    if (cfg.gateway.http) {
      url = cfg.gateway.http->public_url.empty()
                ? "http://" + cfg.gateway.http->host + ":" + std::to_string(cfg.gateway.http->port)
                : cfg.gateway.http->public_url;
      while (!url.empty() && url.back() == '/') url.pop_back();
    }
    wire::pg::notice n;
    n.severity = "NOTICE";
    n.sqlstate = "00000";
    n.message = "gatehouse: review " + held_review_ + " holds this statement until a reviewer decides (rule \"" +
                gate_.hold_subject(held_slot_).rule + "\"); waiting up to " +
                std::to_string(cfg.gateway.review_timeout.count()) + "s";
    n.hint = "A reviewer approves it with: gatehouse review approve " + held_review_ +
             (url.empty() ? std::string() : "  (or POST " + url + "/api/v1/reviews/" + held_review_ + "/approve)");
    std::string bytes;
    wire::pg::encode_notice(bytes, n);
    co_await writer_.acquire();
    if (writer_.closed()) co_return;
    co_await net::asio::async_write(client_, net::asio::buffer(bytes), net::use_nothrow);
    writer_.release();
  }

  // ---- server to client --------------------------------------------------

  net::awaitable<void> server_to_client() {
    // Server messages can be large (a DataRow up to 1 GB): those the gateway
    // only counts are forwarded as they stream through; those it reads
    // (errors, completions, ReadyForQuery) are small and read whole.
    constexpr std::uint32_t inspect_max = 16 * 1024 * 1024;
    std::size_t passthrough = 0;  // bytes of a streamed message still to forward
    for (;;) {
      if (stopping_) co_return;
      if (!sin_.make_room(inspect_max)) {
        finish({relay_end::reason::server_closed, "08006", "the server sent a message too large to inspect"});
        co_return;
      }
      auto [ec, n] = co_await server_.async_read_some(
          net::asio::buffer(sin_.write_ptr(), sin_.write_space()), net::use_nothrow);
      if (ec) {
        finish({relay_end::reason::server_closed, {}, {}});
        co_return;
      }
      sin_.commit(n);

      const std::uint8_t* begin = sin_.data();
      const std::size_t avail = sin_.size();
      std::size_t pos = 0;
      sout_.start(begin);
      if (passthrough) {
        std::size_t k = std::min(passthrough, avail);
        pos += k;
        passthrough -= k;
      }
      while (passthrough == 0 && pos + 5 <= avail) {
        char type = static_cast<char>(begin[pos]);
        std::uint32_t len = load_be32(begin + pos + 1);
        if (len < 4) {
          finish({relay_end::reason::server_closed, "08006", "the server sent a malformed message"});
          co_return;
        }
        std::size_t total = std::size_t{len} + 1;
        bool whole = pos + total <= avail;
        if (!whole && (inspected(type) || pipe_.answering_internal())) break;  // wait for the rest
        on_server_message(type, whole ? bytes_view(begin + pos + 5, len - 4) : bytes_view{}, begin + pos, total);
        if (!whole) {
          passthrough = pos + total - avail;
          pos = avail;
          break;
        }
        pos += total;
      }
      if (pos > 0) {
        auto bytes = sout_.finish(begin, begin + pos);
        if (!holding_writer_ && !writer_.try_acquire()) {
          co_await writer_.acquire();
          if (writer_.closed()) co_return;
        }
        net::error_code wec;
        auto rest = write_now(client_, bytes, wec);
        if (!wec && rest.size() > 0)
          std::tie(wec, std::ignore) = co_await net::asio::async_write(client_, rest, net::use_nothrow);
        // A message cut in the middle keeps the stream until its rest is written.
        holding_writer_ = passthrough > 0;
        if (!holding_writer_) writer_.release();
        if (wec) {
          finish({relay_end::reason::client_closed, {}, {}});
          co_return;
        }
        sin_.consume(pos);
      }
      if (draining_ && pipe_.idle() && !holding_) {
        finish(shutting_down());
        co_return;
      }
    }
  }

  static bool frontend_type(char t) {
    switch (t) {
      case 'Q': case 'P': case 'B': case 'D': case 'E': case 'C': case 'S': case 'H': case 'X':
      case 'd': case 'c': case 'f': case 'F': case 'p':
        return true;
      default:
        return false;
    }
  }

  static bool inspected(char type) {
    switch (type) {
      case 'E': case 'C': case 'Z': case 'G': case 'H': case 'W': case 'I': case 's': case '1':
        return true;
      default:
        return false;
    }
  }

  void on_server_message(char type, bytes_view body, const std::uint8_t* msg, std::size_t size) {
    namespace pg = wire::pg;
    if (type == pg::be::copy_in) copy_ = copy_state::in;
    if (type == pg::be::ready_for_query && body.size() == 1) gate_.on_ready(static_cast<char>(body[0]));
    response_effect fx = pipe_.on_server_message(type);
    if (fx.drop) {
      if (type == pg::be::error_response) {
        auto n = pg::decode_notice(body);
        spdlog::error("session {}: the gateway's own query failed: {}", ctx_.id,
                      n ? std::string(n->message()) : std::string("unreadable error"));
      }
      sout_.replace(msg, size, {});
      return;
    }
    if (type == pg::be::error_response && copy_ == copy_state::in) copy_ = copy_state::failed;
    if (!fx.statement) return;
    std::uint32_t slot = fx.statement->statement;
    if (fx.replace_with_refusal) {
      sout_.replace(msg, size, gate_.refusal(slot));
      if (fx.finished) gate_.on_finished(slot);
      return;
    }
    if (type == pg::be::command_complete) {
      if (auto tag = pg::decode_command_complete(body)) gate_.on_command_complete(slot, *tag);
    } else if (type == pg::be::error_response) {
      if (auto n = pg::decode_notice(body)) gate_.on_error(slot, n->sqlstate(), n->message());
    }
    if (fx.finished) gate_.on_finished(slot);
  }

  enum class copy_state : std::uint8_t { none, in, failed };

  ClientStream& client_;
  ServerStream& server_;
  session_context& ctx_;
  pg_gate gate_;
  pg_pipeline pipe_;
  io_buffer cin_;
  io_buffer sin_;
  outbound out_;
  outbound sout_;
  std::string scratch_;
  client_writer writer_;
  net::asio::steady_timer expiry_;
  std::shared_ptr<hold_mailbox> mailbox_;
  copy_state copy_ = copy_state::none;
  bool stopping_ = false;
  bool draining_ = false;
  bool holding_ = false;
  bool holding_writer_ = false;
  std::uint32_t held_slot_ = 0;
  bool held_simple_ = true;
  std::string held_review_;
  relay_end end_;
};

}  // namespace gh::gateway
