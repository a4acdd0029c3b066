// Moves bytes between a client and its upstream once both are ready, asking
// the gate about every Query, Parse and Execute on the way in and tracking
// every response on the way out. Runs of messages are forwarded as they were
// read, without re-encoding; only a refused message is replaced (by one the
// server is certain to reject, so that its error state matches PostgreSQL's)
// and the server's answer to it is replaced by the gateway's refusal.
// Included by pg_session.cpp only (a template over the client stream type).
#pragma once

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>

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
  enum class reason { client_closed, server_closed, protocol_error, audit_failed, shutdown };
  reason why = reason::client_closed;
  std::string sqlstate;   // protocol_error / audit_failed: what to tell the client
  std::string message;
};

// A message the server is certain to reject at parse time: standing in for a
// refused statement, it puts the server in the state the refused statement's
// own error would have (transaction aborted, rest of the pipeline skipped).
inline constexpr std::string_view refused_stand_in = "GATEHOUSE REFUSED THIS STATEMENT";
inline constexpr std::string_view refused_portal = "gatehouse refused this portal";

// Collects what to forward: runs of the input as they are, with replaced
// messages spliced in. Nothing is copied unless something was replaced.
class outbound {
 public:
  void start(const std::uint8_t* at) { run_ = at; assembled_.clear(); rewritten_ = false; }
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

template <class ClientStream>
class pg_relay final : public drainable {
 public:
  pg_relay(ClientStream& client, net::tcp::socket& server, session_context& ctx)
      : client_(client), server_(server), ctx_(ctx), gate_(ctx), cin_(16 * 1024), sin_(32 * 1024) {
    ctx_.w.add_session(this);
  }
  ~pg_relay() { ctx_.w.remove_session(this); }
  pg_relay(const pg_relay&) = delete;
  pg_relay& operator=(const pg_relay&) = delete;

  net::awaitable<relay_end> run() {
    using namespace net::asio::experimental::awaitable_operators;
    co_await (client_to_server() && server_to_client());
    co_return end_;
  }

  // Shutdown: end now if nothing is in flight, else once it is answered.
  void drain() override {
    draining_ = true;
    if (pipe_.idle()) finish(shutting_down());
  }

 private:
  void finish(relay_end why) {
    if (stopping_) return;
    stopping_ = true;
    end_ = std::move(why);
    net::error_code ignored;
    server_.cancel(ignored);
    client_.lowest_layer().cancel(ignored);
  }

  static relay_end shutting_down() {
    return {relay_end::reason::shutdown, "57P01", "terminating connection because the gateway is shutting down"};
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

      const std::uint8_t* begin = cin_.data();
      std::size_t used = 0;
      out_.start(begin);
      bool terminate = false;
      while (!terminate) {
        auto f = wire::pg::next_message(cin_.readable().subspan(used), limit);
        if (f.status == wire::pg::frame_status::need_more) break;
        if (f.status == wire::pg::frame_status::error) {
          finish(protocol_error(std::string("invalid message from the client: ") +
                                std::string(wire::pg::describe(f.error))));
          co_return;
        }
        const std::uint8_t* msg = begin + used;
        if (!on_client_message(f, msg)) co_return;  // finish() was called
        terminate = f.type == wire::pg::fe::terminate;
        used += f.size;
      }
      if (used == 0) continue;

      // Durable to the OS before anything it describes reaches the server.
      if (!gate_.flush()) {
        finish({relay_end::reason::audit_failed, "58030",
                "the audit log cannot be written (" + gate_.flush_error() +
                    "); no statement runs unrecorded, so this session ends"});
        co_return;
      }
      auto bytes = out_.finish(begin, begin + used);
      if (bytes.size() > 0) {
        auto [wec, wn] = co_await net::asio::async_write(server_, bytes, net::use_nothrow);
        if (wec) {
          finish({relay_end::reason::server_closed, {}, {}});
          co_return;
        }
      }
      cin_.consume(used);
      if (terminate) {
        finish({relay_end::reason::client_closed, {}, {}});
        co_return;
      }
    }
  }

  // Decides one client message; false when the session must end.
  bool on_client_message(const wire::pg::frame& f, const std::uint8_t* msg) {
    namespace pg = wire::pg;
    switch (f.type) {
      case pg::fe::query: {
        auto q = pg::decode_query(f.body);
        if (!q) return bad(f);
        copy_ = copy_state::none;
        refuse_or_forward(gate_.on_query(q->sql), true, msg, f.size);
        return true;
      }
      case pg::fe::parse: {
        auto p = pg::decode_parse(f.body);
        if (!p) return bad(f);
        gate_verdict v = gate_.on_parse(p->statement, p->sql);
        if (v.outcome == policy::verdict::allow) {
          pipe_.push({pending_kind::parse, 0});
        } else {
          scratch_.clear();
          pg::encode_parse(scratch_, p->statement, refused_stand_in);
          pipe_.push({pending_kind::refused_extended, v.slot});
          out_.replace(msg, f.size, scratch_);
        }
        return true;
      }
      case pg::fe::bind: {
        auto b = pg::decode_bind(f.body);
        if (!b) return bad(f);
        gate_.on_bind(b->portal, b->statement);
        pipe_.push({pending_kind::bind, 0});
        return true;
      }
      case pg::fe::describe: {
        auto d = pg::decode_describe(f.body);
        if (!d) return bad(f);
        pipe_.push({pending_kind::describe, 0});
        return true;
      }
      case pg::fe::execute: {
        auto e = pg::decode_execute(f.body);
        if (!e) return bad(f);
        gate_verdict v = gate_.on_execute(e->portal);
        if (v.outcome == policy::verdict::allow) {
          pipe_.push({pending_kind::execute, v.slot});
        } else {
          scratch_.clear();
          pg::encode_execute(scratch_, refused_portal, 0);
          pipe_.push({pending_kind::refused_extended, v.slot});
          out_.replace(msg, f.size, scratch_);
        }
        return true;
      }
      case pg::fe::close: {
        auto c = pg::decode_close(f.body);
        if (!c) return bad(f);
        gate_.on_close(c->kind, c->name);
        pipe_.push({pending_kind::close, 0});
        return true;
      }
      case pg::fe::sync:
        copy_ = copy_state::none;
        pipe_.push({pending_kind::sync, 0});
        return true;
      case pg::fe::flush:
      case pg::fe::terminate:
        return true;
      case pg::fe::copy_data:
      case pg::fe::copy_done:
      case pg::fe::copy_fail:
        if (copy_ == copy_state::in) {
          if (f.type != pg::fe::copy_data) copy_ = copy_state::none;
          return true;
        }
        if (copy_ == copy_state::failed) {
          // The server already ended this COPY with an error and ignores the
          // rest of its data, as the protocol allows; so do we.
          out_.replace(msg, f.size, {});
          return true;
        }
        finish(protocol_error("COPY data sent while no COPY FROM STDIN is in progress"));
        return false;
      case pg::fe::function_call:
        refuse_or_forward(gate_.refuse_message("FunctionCall (fast-path) message",
                                               "the fast-path function call protocol is not allowed through the "
                                               "gateway; call the function in a SQL statement instead"),
                          true, msg, f.size);
        return true;
      case pg::fe::password:
        finish(protocol_error("unexpected authentication message after startup"));
        return false;
      default:
        finish(protocol_error(std::string("invalid frontend message type ") + std::to_string(static_cast<unsigned char>(f.type))));
        return false;
    }
  }

  // A simple Query (or a FunctionCall, answered the same way) either goes on
  // as it is or is replaced by the stand-in whose error becomes the refusal.
  void refuse_or_forward(gate_verdict v, bool simple, const std::uint8_t* msg, std::size_t size) {
    (void)simple;
    if (v.outcome == policy::verdict::allow) {
      pipe_.push({pending_kind::query, v.slot});
      return;
    }
    scratch_.clear();
    wire::pg::encode_query(scratch_, refused_stand_in);
    pipe_.push({pending_kind::refused_query, v.slot});
    out_.replace(msg, size, scratch_);
  }

  bool bad(const wire::pg::frame& f) {
    finish(protocol_error(std::string("malformed '") + f.type + "' message from the client"));
    return false;
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
      while (pos + 5 <= avail) {
        char type = static_cast<char>(begin[pos]);
        std::uint32_t len = load_be32(begin + pos + 1);
        if (len < 4) {
          finish({relay_end::reason::server_closed, "08006", "the server sent a malformed message"});
          co_return;
        }
        std::size_t total = std::size_t{len} + 1;
        bool whole = pos + total <= avail;
        if (!whole && inspected(type)) break;  // wait for the rest of it
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
        auto [wec, wn] = co_await net::asio::async_write(client_, bytes, net::use_nothrow);
        if (wec) {
          finish({relay_end::reason::client_closed, {}, {}});
          co_return;
        }
        sin_.consume(pos);
      }
      if (draining_ && pipe_.idle()) {
        finish(shutting_down());
        co_return;
      }
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
    response_effect fx = pipe_.on_server_message(type);
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
  net::tcp::socket& server_;
  session_context& ctx_;
  pg_gate gate_;
  pg_pipeline pipe_;
  io_buffer cin_;
  io_buffer sin_;
  outbound out_;
  outbound sout_;
  std::string scratch_;
  copy_state copy_ = copy_state::none;
  bool stopping_ = false;
  bool draining_ = false;
  relay_end end_;
};

}  // namespace gh::gateway
