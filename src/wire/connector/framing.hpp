// Frames of the connector protocol, inside TLS (docs/connectors.md).
//
//   Byte1 type | Int32 body length (the body only, not the header) | body
//
// Bodies are a fixed sequence of fields per type (fields.hpp):
//   Byte1, Int16, Int32 (big-endian), text (Int16 length | bytes, no NUL),
//   blob (Int32 length | bytes), fixed-size ids.
//
// Control connection (one per connector, long-lived):
//   connector → gateway   'H' hello {name, token}       first frame, once
//   gateway → connector   'W' welcome {}                 token accepted
//                         'R' refused {reason}           then the gateway closes
//   either way            'B' heartbeat {}               every 5 s; 15 s of silence is death
//   gateway → connector   'O' open {session id, nonce, connection, read-only, params}
//                         'X' cancel {session id}
// Data connection (one per client session, dialed on 'O'):
//   connector → gateway   'D' data {session id, nonce}   first frame, once
//                         'Y' ready {greeting, pid, secret, tx status}
//                         'F' failed {sqlstate, message} then the connector closes
//   after 'Y': raw PostgreSQL protocol both ways, no more frames.
//
// next_frame is a step function over bytes (STYLE.md §1): it never copies,
// and rejects a length against the caller's limit as soon as the header is
// there, before anyone buffers for it (§2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "wire/connector/error.hpp"
#include "wire/connector/preamble.hpp"

namespace gh::wire::connector {

namespace msg {
inline constexpr char hello = 'H', welcome = 'W', refused = 'R', heartbeat = 'B', open = 'O',
                      cancel = 'X', data = 'D', ready = 'Y', failed = 'F';
}

inline constexpr std::size_t frame_header_size = 5;

// Body limits, by where a frame may arrive. A peer that has not proved
// anything yet gets little room.
inline constexpr std::uint32_t hello_body_max = 8 * 1024;        // before the token is checked
inline constexpr std::uint32_t control_body_max = 256 * 1024;    // open carries startup params
inline constexpr std::uint32_t data_hello_body_max = 64;         // session id and nonce
inline constexpr std::uint32_t data_reply_body_max = 1024 * 1024;  // ready carries the greeting

struct frame {
  step_status status = step_status::need_more;
  codec_error error{};
  char type = 0;
  bytes_view body;        // a view into the input
  std::size_t size = 0;   // header + body: what to consume
};

// Frames one message from the front of `in`; a body over `max_body` is an
// error, not a wait.
frame next_frame(bytes_view in, std::uint32_t max_body) noexcept;

// Appends a frame of `type` with `body`.
void append_frame(std::string& out, char type, std::string_view body);

}  // namespace gh::wire::connector
