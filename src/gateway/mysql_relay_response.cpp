// Following the server's answer to one command (mysql_relay.hpp).
#include <spdlog/spdlog.h>

#include "gateway/mysql_relay.hpp"
#include "gateway/mysql_io.hpp"
#include "wire/mysql/framing.hpp"
#include "wire/mysql/generic.hpp"

namespace gh::gateway {
namespace {

namespace mysql = wire::mysql;

constexpr std::size_t packet_max = 4 + mysql::max_packet_payload;

// Commands whose whole answer is one OK (or ERR).
bool answered_by_ok(mysql::command c) {
  switch (c) {
    case mysql::command::query:
    case mysql::command::stmt_execute:
    case mysql::command::stmt_fetch:
    case mysql::command::stmt_prepare:
    case mysql::command::field_list:
    case mysql::command::statistics:
      return false;
    default:
      return true;
  }
}

std::string packet(std::uint8_t seq, std::string_view payload) {
  std::string out;
  mysql::encode_packets(out, seq, payload);
  return out;
}

}  // namespace

struct mysql_relay::response_state {
  // What goes to the client: runs of the server's bytes as they are, with
  // replaced packets spliced in. Nothing is copied unless something changed.
  class splice {
   public:
    void start(const std::uint8_t* at) {
      run_ = at;
      assembled_.clear();
      rewritten_ = false;
    }
    void replace(const std::uint8_t* at, std::size_t size, std::string_view with) {
      assembled_.append(reinterpret_cast<const char*>(run_), static_cast<std::size_t>(at - run_));
      assembled_.append(with);
      run_ = at + size;
      rewritten_ = true;
    }
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

  response_state(mysql::command c, mysql::capabilities caps) : tracker(c, caps), cmd(c) {}
  // Replaces the packet being looked at (once).
  void rewrite(const std::uint8_t* at, std::size_t size, std::string_view with) {
    out.replace(at, size, with);
    replaced = true;
  }
  mysql::response_tracker tracker;
  mysql::command cmd;
  std::string note;                        // added to the info of the final OK (an approved review)
  std::string error;                       // for the outcome event
  std::optional<std::uint8_t> infile_end;  // the sequence id of the empty packet the server waits for
  bool swallow = false;                    // the client's answer ended early: drop the rest
  bool fatal = false;                      // the session ends once this answer is over
  bool done = false;
  bool replaced = false;                   // the packet being looked at was rewritten
  splice out;
};

net::awaitable<bool> mysql_relay::relay_response(mysql::command c, std::uint32_t slot, std::string note) {
  if (!mysql::expects_response(c)) {
    if (slot) gate_.on_finished(slot, -1, {});
    co_return !stopping_;
  }
  response_state r(c, up_.caps);
  r.note = std::move(note);
  bool continued = false;  // the next packet continues a message of 2^24-1 bytes or more
  for (;;) {
    const std::uint8_t* begin = sin_.data();
    std::size_t pos = 0;
    r.out.start(begin);
    while (!r.done) {
      auto pf = mysql::next_packet(sin_.readable().subspan(pos), mysql::max_packet_payload);
      if (pf.status != mysql::frame_status::ready) break;
      const std::uint8_t* at = begin + pos;
      const bool first = !continued;
      continued = pf.payload.size() == mysql::max_packet_payload;
      if (first) {
        const bool swallowing = r.swallow;
        r.replaced = false;
        on_first_packet(r, pf.payload, continued, at, pf.size, pf.sequence);
        if (swallowing && !r.replaced) r.out.replace(at, pf.size, {});
      } else if (r.swallow) {
        r.out.replace(at, pf.size, {});
      }
      pos += pf.size;
    }
    if (pos > 0) {
      auto bytes = r.out.finish(begin, begin + pos);
      if (bytes.size() > 0) {
        phase_ = phase::answering;
        net::error_code wec;
        const auto rest = client_.write_now(bytes, wec);
        if (!wec && rest.size() > 0) wec = co_await client_.write(rest);
        if (wec) {  // the statement ran: its outcome is still recorded, below
          finish({mysql_relay_end::reason::client_closed, {}, {}});
          r.error = "the client's connection was lost before the whole answer reached it";
          sin_.consume(pos);
          break;
        }
      }
      sin_.consume(pos);
    }
    if (r.infile_end) {
      // The server waits for the client's file: an empty packet ends it.
      const std::string end = packet(*r.infile_end, {});
      r.infile_end.reset();
      if (auto ec = co_await server_.write(end)) r.done = true;
    }
    if (r.done || stopping_) break;
    if (!sin_.make_room(packet_max)) {
      r.error = "gatehouse: a packet larger than the protocol allows";
      r.fatal = true;
      break;
    }
    auto [ec, n] = co_await server_.read_some(net::asio::buffer(sin_.write_ptr(), sin_.write_space()));
    if (ec) {
      if (!stopping_)
        finish(ending(mysql_relay_end::reason::server_closed, 2013, "HY000",
                      "gatehouse: lost the connection to the database behind connection \"" + ctx_.conn->name + "\""));
      r.error = "the connection to the server was lost";
      break;
    }
    sin_.commit(n);
  }
  if (c == mysql::command::stmt_prepare) {
    if (r.tracker.complete() && r.tracker.prepared()) gate_.on_prepared(r.tracker.prepared()->statement_id);
    else gate_.on_prepare_failed();
  }
  if (slot) {
    const auto rows = static_cast<std::int64_t>(r.tracker.rows() + r.tracker.affected_rows());
    gate_.on_finished(slot, rows, std::move(r.error));
  }
  if (r.fatal) {
    finish({mysql_relay_end::reason::tracking_failed, {}, std::nullopt});
    co_return false;
  }
  co_return !stopping_;
}

bool mysql_relay::on_first_packet(response_state& r, bytes_view payload, bool continued, const std::uint8_t* at,
                                  std::size_t size, std::uint8_t seq) {
  const std::uint32_t results_before = r.tracker.results();
  const mysql::response_step step = r.tracker.on_message(payload, continued);
  if (step == mysql::response_step::malformed) {
    stop_tracking(r, "the server sent a packet the gateway cannot follow (" +
                         std::string(mysql::describe(r.tracker.error())) + ")", at, size, seq);
    return false;
  }
  if (step == mysql::response_step::local_infile) {
    // CLIENT_LOCAL_FILES is never granted, so a server that asks anyway gets
    // an empty file, and the client an ERR where the request would have been.
    mysql::error_reply err{mysql_refusal_code, std::string(mysql_refusal_state),
                           "gatehouse: LOAD DATA LOCAL INFILE is not allowed through the gateway: the client's files "
                           "never reach the database"};
    std::string payload_out;
    mysql::encode_err_payload(payload_out, err);
    if (!r.swallow) r.rewrite(at, size, packet(seq, payload_out));
    r.swallow = true;
    r.infile_end = static_cast<std::uint8_t>(seq + 1);
    if (r.error.empty()) r.error = "gatehouse: LOCAL INFILE refused";
    return true;
  }
  const bool last = step == mysql::response_step::complete;
  if (last) r.done = true;
  if (continued) return true;
  const std::uint8_t h = payload[0];
  if (h == mysql::header::err && last && r.tracker.error_code()) {
    if (auto e = mysql::decode_err(payload); e && r.error.empty())
      r.error = std::string(e->sqlstate) + " " + std::string(e->message) + " (" + std::to_string(e->code) + ")";
    return true;
  }
  const bool ended = r.tracker.results() != results_before;
  const bool deprecate_eof = (up_.caps & mysql::cap::deprecate_eof) != 0;
  if (r.cmd != mysql::command::stmt_prepare &&
      ((ended && (h == mysql::header::ok || (h == mysql::header::eof && deprecate_eof))) ||
       (last && h == mysql::header::ok && answered_by_ok(r.cmd))))
    return on_ok_packet(r, payload, last, at, size, seq);
  if (ended && h == mysql::header::eof && !deprecate_eof) {
    auto eof = mysql::decode_eof(payload);
    if (!eof) {
      stop_tracking(r, "the server sent a malformed EOF packet", at, size, seq);
      return false;
    }
    if (auto t = up_.state.on_status(eof->status); !t) {
      stop_tracking(r, t.error(), at, size, seq);
      return false;
    }
  }
  return true;
}

// An OK: the server's word on what the command changed, checked against
// what the gate expected; rewritten when the client did not ask for session
// state, or when it carries the approval of a held statement.
bool mysql_relay::on_ok_packet(response_state& r, bytes_view payload, bool last, const std::uint8_t* at,
                               std::size_t size, std::uint8_t seq) {
  auto ok = mysql::decode_ok(payload, up_.caps);
  if (!ok) {
    stop_tracking(r, "the server sent a malformed OK packet", at, size, seq);
    return false;
  }
  if (ok->status & mysql::status::session_state_changed) {
    if (auto t = up_.state.on_reported(ok->session_state, gate_.expected_changes(), ctx_.read_only); !t) {
      stop_tracking(r, t.error(), at, size, seq);
      return false;
    }
  }
  if (auto t = up_.state.on_status(ok->status); !t) {
    stop_tracking(r, t.error(), at, size, seq);
    return false;
  }
  const bool strip_state = (client_caps_ & mysql::cap::session_track) == 0;
  const bool add_note = last && !r.note.empty();
  if (r.swallow || (!strip_state && !add_note)) return true;
  mysql::ok_packet copy = *ok;
  std::string info;
  if (add_note) {
    info.assign(ok->info);
    if (!info.empty()) info += "; ";
    info += r.note;
    copy.info = info;
  }
  if (strip_state) {
    copy.status &= static_cast<std::uint16_t>(~mysql::status::session_state_changed);
    copy.session_state = {};
  }
  std::string payload_out;
  mysql::encode_ok_payload(payload_out, copy, strip_state ? client_caps_ : up_.caps);
  r.rewrite(at, size, packet(seq, payload_out));
  return true;
}

// The classifier and the server disagree (or the server broke the protocol):
// the client gets an ERR in place of this packet, and the session ends.
void mysql_relay::stop_tracking(response_state& r, const std::string& why, const std::uint8_t* at, std::size_t size,
                                std::uint8_t seq) {
  spdlog::error("session {} principal={} connection={}: {}; ending the session", ctx_.id, ctx_.who.name,
                ctx_.conn->name, why);
  if (!r.swallow) {
    std::string payload_out;
    mysql::encode_err_payload(payload_out, {1105, "HY000", "gatehouse: " + why + "; the session ends"});
    r.rewrite(at, size, packet(seq, payload_out));
  }
  r.swallow = true;
  r.fatal = true;
  r.done = true;
  r.error = "gatehouse: " + why;
}

}  // namespace gh::gateway
