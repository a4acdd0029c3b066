// Message framing for the PostgreSQL protocol v3.
// https://www.postgresql.org/docs/15/protocol-overview.html#PROTOCOL-MESSAGE-CONCEPTS
//
// Typed message (everything after startup, both directions):
//   Byte1 type | Int32 length (counts itself, not the type byte) | body[length-4]
// Startup-phase packet (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage):
//   Int32 length (counts itself) | Int32 code | body[length-8]
//
// These are step functions over bytes (STYLE.md §1): they never copy or
// allocate, and they reject a length against the limit before anyone buffers
// for it (§2): a length is a claim, not a fact.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "wire/pg/error.hpp"

namespace gh::wire::pg {

enum class frame_status : std::uint8_t { ready, need_more, error };

struct frame {
  frame_status status = frame_status::need_more;
  codec_error error{};     // when status == error
  char type = 0;           // typed messages only
  bytes_view body;         // the message body, a view into the input
  std::size_t size = 0;    // bytes the whole message occupies in the input
  std::uint32_t wanted = 0;  // when need_more and the header is known: total size
};

// Frames one typed message from the front of `in`. `max_size` bounds the
// length field (header included); larger is an error, not a wait.
frame next_message(bytes_view in, std::uint32_t max_size) noexcept;

// Frames one startup-phase packet; `type` is 0 and `body` starts at the code.
frame next_startup_packet(bytes_view in, std::uint32_t max_size) noexcept;

}  // namespace gh::wire::pg
