// Reading and writing whole MySQL messages on a mysql_stream, for the phases
// that go message by message (the handshakes, the gateway's own queries, the
// client's commands). Framing is wire/mysql's; this only moves bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "gateway/io_buffer.hpp"
#include "gateway/mysql_stream.hpp"
#include "gateway/net.hpp"
#include "wire/mysql/framing.hpp"

namespace gh::gateway {

enum class mysql_read_error : std::uint8_t {
  closed,     // the peer went away (or the read was cancelled)
  malformed,  // framing error: a bad sequence, a length over the limit
};

// Reads until the front of `buf` holds one whole message; its frame (the
// bytes stay in `buf` until the caller consumes frame.size).
net::awaitable<expected<wire::mysql::message_frame, mysql_read_error>> read_mysql_message(
    mysql_stream& s, io_buffer& buf, std::size_t max_payload);

// One packet read exactly (its header, then its payload), never a byte
// past it: before TLS starts, the bytes after a client's SSLRequest are its
// TLS handshake (MySQL clients do not wait for an answer), and belong to the
// TLS stream, not to a buffer. A payload over `max_payload`, or one that
// would continue in another packet, is malformed.
struct mysql_packet {
  std::uint8_t sequence = 0;
  std::string payload;
};
net::awaitable<expected<mysql_packet, mysql_read_error>> read_mysql_packet_exact(mysql_stream& s,
                                                                                std::size_t max_payload);

// The payload of the message framed at the front of `buf`: a view into the
// buffer for a one-packet message, else its packets joined into `scratch`.
bytes_view mysql_payload(const io_buffer& buf, const wire::mysql::message_frame& f, std::string& scratch);

// Writes `payload` as one message starting at sequence `seq`.
net::awaitable<net::error_code> write_mysql_message(mysql_stream& s, std::uint8_t seq, std::string_view payload);

}  // namespace gh::gateway
