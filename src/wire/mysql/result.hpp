// Command responses, server to client: result set framing, column
// definitions, COM_STMT_PREPARE's OK, and a tracker that tells a proxy where
// a response ends.
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response.html
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html
//
//   result set: lenenc column_count | column_count * ColumnDefinition41
//               | [EOF unless DEPRECATE_EOF] | rows | EOF, or OK with header 0xFE
//               (DEPRECATE_EOF); SERVER_MORE_RESULTS_EXISTS in its status: another
//               result (OK or result set) follows. ERR may end it anywhere.
//   LOCAL INFILE request: 0xFB | file name. The client sends the file and an
//               empty packet; the server then answers OK or ERR.
//   COM_STMT_PREPARE OK: 0x00 | int<4> id | int<2> columns | int<2> params | 0x00
//               | int<2> warnings, then params * ColumnDefinition41 [+ EOF],
//               columns * ColumnDefinition41 [+ EOF].
//   ColumnDefinition41: lenenc catalog ("def") | lenenc schema | lenenc table
//               | lenenc org_table | lenenc name | lenenc org_name
//               | [MariaDB EXTENDED_TYPE_INFO: lenenc type info] | lenenc 0x0C
//               | int<2> charset | int<4> length | int<1> type | int<2> flags
//               | int<1> decimals | int<2> 0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/mysql/constants.hpp"
#include "wire/mysql/error.hpp"

namespace gh::wire::mysql {

struct stmt_prepare_ok {
  std::uint32_t statement_id = 0;
  std::uint16_t columns = 0;
  std::uint16_t params = 0;
  std::uint16_t warnings = 0;
};
expected<stmt_prepare_ok, codec_error> decode_stmt_prepare_ok(bytes_view payload);
void encode_stmt_prepare_ok_payload(std::string& out, const stmt_prepare_ok& ok);

struct column_definition {
  std::string_view schema, table, org_table, name, org_name;
  std::string_view extended_type_info;  // MariaDB, with MARIADB_CLIENT_EXTENDED_TYPE_INFO
  std::uint16_t charset = 0;
  std::uint32_t length = 0;
  std::uint8_t type = 0;
  std::uint16_t flags = 0;
  std::uint8_t decimals = 0;
};
expected<column_definition, codec_error> decode_column_definition(bytes_view payload,
                                                                  capabilities caps);
// With MARIADB_CLIENT_CACHE_METADATA a "metadata follows" byte comes after
// the count; it must be 1.
expected<std::uint64_t, codec_error> decode_column_count(bytes_view payload, capabilities caps);

enum class response_step : std::uint8_t {
  partial,       // more messages belong to this response
  complete,      // the response is over; the next command may go
  local_infile,  // the server asks for a client file: the session refuses it (it
                 // sends the server an empty packet) and feeds the OK/ERR that follows
  malformed,     // not a message this response can hold: end the session
};

// Follows one command's response. Feed it the first packet of each server
// message, in order (`continued` when that packet is 2^24-1 bytes long and
// the message goes on in the next packets): the tracker needs only each
// message's first bytes, so large rows can stream through unbuffered.
// Preconditions: `caps` are the session's negotiated capabilities, within
// trackable_capabilities; the command expects a response (else the tracker
// is complete at once).
class response_tracker {
 public:
  response_tracker(command sent, capabilities caps) noexcept;

  response_step on_message(bytes_view first_packet, bool continued) noexcept;

  bool complete() const noexcept { return state_ == state::done; }
  codec_error error() const noexcept { return error_; }

  // What the response held, for the audit log.
  std::uint64_t rows() const noexcept { return rows_; }
  std::uint64_t affected_rows() const noexcept { return affected_rows_; }
  std::uint32_t results() const noexcept { return results_; }
  std::uint16_t status_flags() const noexcept { return status_; }
  std::optional<std::uint16_t> error_code() const noexcept { return error_code_; }
  const std::optional<stmt_prepare_ok>& prepared() const noexcept { return prepared_; }

 private:
  enum class state : std::uint8_t {
    first, infile_reply, columns, columns_eof, rows, prepare_first, prepare_params,
    prepare_params_eof, prepare_columns, prepare_columns_eof, field_list, single, any, done,
  };
  response_step fail(codec_error e) noexcept;
  response_step ok_or_more(bytes_view payload) noexcept;
  response_step end_of_rows(bytes_view payload) noexcept;
  response_step first_message(bytes_view payload, bool continued) noexcept;
  response_step prepare_message(bytes_view payload) noexcept;
  response_step after_prepare_params() noexcept;
  bool deprecate_eof() const noexcept { return (caps_ & cap::deprecate_eof) != 0; }

  command command_;
  capabilities caps_;
  state state_ = state::first;
  codec_error error_{};
  std::uint64_t columns_left_ = 0;
  std::uint64_t rows_ = 0;
  std::uint64_t affected_rows_ = 0;
  std::uint32_t results_ = 0;
  std::uint16_t status_ = 0;
  std::optional<std::uint16_t> error_code_;
  std::optional<stmt_prepare_ok> prepared_;
};

}  // namespace gh::wire::mysql
