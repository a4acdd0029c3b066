// Moves one MySQL session's commands and responses once both sides are
// ready. The protocol is half-duplex: the client sends a command, the server
// answers it whole, then the next command; so one loop reads a command, asks
// the gate, forwards it (or answers it with the gateway's ERR), and follows
// the server's answer packet by packet with wire::mysql::response_tracker
// until it ends, forwarding it as it came. A client that sends its next
// command early finds it waiting in the buffer. Only a few packets are
// rewritten: OK packets whose session state the client did not ask for, the
// OK of an approved statement (it names the review), and a LOCAL INFILE
// request, which the gateway answers itself. A statement that needs review is
// held: the client waits for its answer until a reviewer decides, the review
// times out or the client leaves. See docs/mysql.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gateway/client_writer.hpp"
#include "gateway/drainable.hpp"
#include "gateway/io_buffer.hpp"
#include "gateway/mysql_gate.hpp"
#include "gateway/mysql_sessions.hpp"
#include "gateway/mysql_stream.hpp"
#include "gateway/mysql_upstream.hpp"
#include "gateway/net.hpp"
#include "gateway/session_context.hpp"
#include "wire/mysql/command.hpp"
#include "wire/mysql/result.hpp"

namespace gh::gateway {

struct mysql_relay_end {
  enum class reason {
    client_closed, server_closed, protocol_error, audit_failed, shutdown, access_ended, tracking_failed,
  };
  reason why = reason::client_closed;
  wire::mysql::error_reply err;   // code 0: nothing to tell the client
  // The sequence id the ERR takes: the answer to the command in flight, or
  // 1 when the client is between commands (it reads the ERR as the answer to
  // its next one). nullopt: part of an answer went out already; say nothing.
  std::optional<std::uint8_t> seq;
};

class mysql_relay final : public drainable {
 public:
  // `client_caps`: what the client negotiated with the gateway.
  mysql_relay(mysql_stream& client, mysql_upstream& up, session_context& ctx,
              wire::mysql::capabilities client_caps);
  ~mysql_relay();
  mysql_relay(const mysql_relay&) = delete;
  mysql_relay& operator=(const mysql_relay&) = delete;

  net::awaitable<mysql_relay_end> run();
  void drain() override;
  // For KILL QUERY from another connection: a held statement's review is withdrawn.
  std::function<void()> interrupter() { return interrupter_of(mailbox_); }
  void load_grants(sys_time now) { gate_.load_grants(now); }

 private:
  enum class phase : std::uint8_t { idle, deciding, answering };

  // mysql_relay.cpp: the command loop.
  net::awaitable<void> commands();
  net::awaitable<void> watch_expiry();
  net::awaitable<bool> on_command(bytes_view payload, net::asio::const_buffer raw);
  net::awaitable<bool> decided(mysql_verdict v, wire::mysql::command c, net::asio::const_buffer raw);
  net::awaitable<bool> refuse_command(wire::mysql::command c, std::string_view why);
  // Changed grants apply before the next statement is decided. Most of the
  // time nothing changed, and then no coroutine runs:
  // the callers await apply_grant_change only when grant_change() says so.
  grant_effect grant_change() { return gate_.refresh_grants(std::chrono::system_clock::now()); }
  net::awaitable<bool> apply_grant_change(grant_effect e);
  net::awaitable<bool> kill(const mysql_kill& k, std::string_view sql);
  net::awaitable<bool> forward(net::asio::const_buffer raw);
  bool forward_now(net::asio::const_buffer raw, net::asio::const_buffer& rest);
  net::awaitable<bool> forward_rest(net::asio::const_buffer rest);
  void server_lost();
  net::awaitable<bool> reply_error(const wire::mysql::error_reply& err);
  void finish(mysql_relay_end why);
  mysql_relay_end ending(mysql_relay_end::reason why, std::uint16_t code, std::string sqlstate, std::string message);

  // mysql_relay_response.cpp: following the server's answer.
  net::awaitable<bool> relay_response(wire::mysql::command c, std::uint32_t slot, std::string note);
  struct response_state;
  bool on_first_packet(response_state& r, bytes_view payload, bool continued, const std::uint8_t* at,
                       std::size_t size, std::uint8_t seq);
  bool on_ok_packet(response_state& r, bytes_view payload, bool last, const std::uint8_t* at, std::size_t size,
                    std::uint8_t seq);
  void stop_tracking(response_state& r, const std::string& why, const std::uint8_t* at, std::size_t size,
                     std::uint8_t seq);

  // mysql_relay_hold.cpp: a statement held for review.
  net::awaitable<bool> hold(std::uint32_t slot, wire::mysql::command c, net::asio::const_buffer raw);
  net::awaitable<review_outcome> wait_for_review(std::uint32_t slot);

  mysql_stream& client_;
  mysql_stream& server_;
  mysql_upstream& up_;
  session_context& ctx_;
  wire::mysql::capabilities client_caps_;
  mysql_gate gate_;
  io_buffer cin_;
  io_buffer sin_;
  std::string scratch_;       // a multi-packet command's payload
  std::string early_;         // client bytes that arrived while a statement was held
  net::asio::steady_timer expiry_;
  std::shared_ptr<hold_mailbox> mailbox_;
  std::uint8_t cmd_seq_ = 0;  // the last sequence id of the command in flight
  phase phase_ = phase::idle;
  bool stopping_ = false;
  bool draining_ = false;
  bool holding_ = false;
  std::string held_review_;
  mysql_relay_end end_;
};

}  // namespace gh::gateway
