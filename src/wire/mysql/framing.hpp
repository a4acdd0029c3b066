// Packet framing for the MySQL client/server protocol.
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html
//
//   int<3> payload_length | int<1> sequence_id | payload[payload_length]
//
// A payload of 2^24-1 bytes or more travels as packets of exactly 2^24-1
// bytes followed by a shorter one (possibly empty), with consecutive
// sequence ids: one "message". Step functions over bytes (STYLE.md §1): they
// never copy or allocate, and they reject a length against the limit as soon
// as its header arrives, before anyone buffers for it (§2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "wire/mysql/error.hpp"

namespace gh::wire::mysql {

enum class frame_status : std::uint8_t { ready, need_more, error };

// One physical packet.
struct packet_frame {
  frame_status status = frame_status::need_more;
  codec_error error{};
  std::uint8_t sequence = 0;
  bytes_view payload;      // a view into the input
  std::size_t size = 0;    // header + payload
  std::size_t wanted = 0;  // need_more with the header read: the packet's whole size
};

// Frames one packet from the front of `in`; a payload over `max_payload` is
// an error, not a wait.
packet_frame next_packet(bytes_view in, std::size_t max_payload) noexcept;

// One message: a packet, or a run of full packets and the shorter one that
// ends it.
struct message_frame {
  frame_status status = frame_status::need_more;
  codec_error error{};
  std::uint8_t sequence = 0;       // of its first packet
  std::uint8_t last_sequence = 0;  // of its last packet
  std::size_t payload_size = 0;    // all its packets' payloads
  std::size_t size = 0;            // bytes its packets occupy in the input
  std::size_t packets = 0;
  std::size_t wanted = 0;          // need_more: bytes the input must hold to go on
};

// Frames one message from the front of `in`. The running payload total is
// checked against `max_payload` at every header; continuation packets must
// follow in sequence.
message_frame next_message(bytes_view in, std::size_t max_payload) noexcept;

// The payload of the message framed at the front of `in` (`frame` from
// next_message on the same input), appended to `out` without its headers.
void append_payload(bytes_view in, const message_frame& frame, std::string& out);

// Appends `payload` as packets starting at `sequence`; returns the sequence
// id the next packet would take.
std::uint8_t encode_packets(std::string& out, std::uint8_t sequence, std::string_view payload);

}  // namespace gh::wire::mysql
