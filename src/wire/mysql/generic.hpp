// The generic response packets: OK, ERR and EOF.
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_response_packets.html
//
//   OK  : 0x00 (0xFE ending a result set with CLIENT_DEPRECATE_EOF)
//         | lenenc affected_rows | lenenc last_insert_id
//         | [PROTOCOL_41: int<2> status, int<2> warnings | TRANSACTIONS: int<2> status]
//         | SESSION_TRACK: lenenc info [, lenenc session_state if status & SESSION_STATE_CHANGED]
//           otherwise: info = the rest
//   ERR : 0xFF | int<2> code | ['#' string[5] sqlstate] | message = the rest
//         (before the handshake response the server sends no SQLSTATE marker)
//   EOF : 0xFE | [PROTOCOL_41: int<2> warnings, int<2> status]  (payload < 9 bytes)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/mysql/constants.hpp"
#include "wire/mysql/error.hpp"

namespace gh::wire::mysql {

struct ok_packet {
  std::uint8_t header = header::ok;  // 0x00, or 0xFE when it ends a result set
  std::uint64_t affected_rows = 0;
  std::uint64_t last_insert_id = 0;
  std::uint16_t status = 0;
  std::uint16_t warnings = 0;
  std::string_view info;
  std::string_view session_state;  // raw session state changes, when reported
};

struct err_packet {
  std::uint16_t code = 0;
  std::string_view sqlstate;  // empty when the packet has no '#' marker
  std::string_view message;
};

struct eof_packet {
  std::uint16_t warnings = 0;
  std::uint16_t status = 0;
};

// The session state changes an OK reports (CLIENT_SESSION_TRACK and
// SERVER_SESSION_STATE_CHANGED): the server's own word on what a statement
// changed, which a session can check its tracking against.
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html
//   (int<1> type | lenenc data)*; system variable: lenenc name, lenenc value;
//   schema: lenenc name; others kept raw.
enum class session_track : std::uint8_t {
  system_variables = 0, schema = 1, state_change = 2, gtids = 3,
  transaction_characteristics = 4, transaction_state = 5,
};
struct session_state_change {
  session_track type = session_track::state_change;
  std::string_view name;   // system variable name, or the schema
  std::string_view value;  // system variable value; raw data for the other types
};
expected<std::vector<session_state_change>, codec_error> decode_session_state(std::string_view state);

// A payload this short starting with 0xFE is an EOF (or an OK ending a result
// set); a longer one is a row whose first column is at least 2^24 bytes.
bool is_eof_like(bytes_view payload) noexcept;

expected<ok_packet, codec_error> decode_ok(bytes_view payload, capabilities caps);
expected<err_packet, codec_error> decode_err(bytes_view payload);
expected<eof_packet, codec_error> decode_eof(bytes_view payload);

// What the gateway itself says. An ERR carries the SQLSTATE marker whenever
// `sqlstate` is given (5 characters; it is padded or cut to 5).
struct error_reply {
  std::uint16_t code = 0;
  std::string sqlstate;
  std::string message;
};

void encode_ok_payload(std::string& out, const ok_packet& ok, capabilities caps);
void encode_err_payload(std::string& out, const error_reply& err);
void encode_eof_payload(std::string& out, const eof_packet& eof);

}  // namespace gh::wire::mysql
