// Command phase, client to server: the command byte and its arguments.
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase.html
//
//   COM_QUERY 0x03 | query (rest)          COM_STMT_PREPARE 0x16 | query (rest)
//   COM_INIT_DB 0x02 | schema (rest)       COM_FIELD_LIST 0x04 | table<NUL> | wildcard (rest)
//   COM_STMT_EXECUTE 0x17 | int<4> id | int<1> flags | int<4> iterations | parameters (rest)
//   COM_STMT_CLOSE 0x19 | int<4> id        COM_STMT_RESET 0x1a | int<4> id
//   COM_STMT_SEND_LONG_DATA 0x18 | int<4> id | int<2> parameter | data (rest)
//   COM_STMT_FETCH 0x1c | int<4> id | int<4> rows
//   COM_SET_OPTION 0x1b | int<2> option    COM_PROCESS_KILL 0x0c | int<4> connection
//   COM_CHANGE_USER 0x11 | user<NUL> | auth (int<1> length + data with
//     SECURE_CONNECTION, else <NUL>) | schema<NUL> | [int<2> collation
//     | PLUGIN_AUTH: plugin<NUL> | CONNECT_ATTRS: attributes]
//   COM_PING 0x0e, COM_QUIT 0x01, COM_RESET_CONNECTION 0x1f, COM_STATISTICS 0x09: no arguments.
// Queries are decoded without CLIENT_QUERY_ATTRIBUTES, which a session never
// grants (constants.hpp, trackable_capabilities).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/mysql/constants.hpp"
#include "wire/mysql/error.hpp"

namespace gh::wire::mysql {

// The command of a client payload; nullopt for an empty payload or a byte
// no server knows.
std::optional<command> command_of(bytes_view payload) noexcept;
std::string_view command_name(command c) noexcept;  // "COM_QUERY"...

// What a gateway does with a command: SQL text to classify, session commands
// it relays and tracks, or commands it refuses with an ERR (replication,
// server administration, old forms of SQL statements such as COM_CREATE_DB,
// COM_CHANGE_USER, which would change who the session is, and
// COM_RESET_CONNECTION, which would reset the session's read-only state and
// sql_mode behind the gateway's back). Relayed commands still need the
// session's attention: COM_INIT_DB changes the database (like USE),
// COM_FIELD_LIST reads a table's columns (like SHOW COLUMNS), COM_SET_OPTION
// turns multi-statements on or off, COM_STMT_EXECUTE runs what its
// statement id was prepared as.
enum class command_handling : std::uint8_t { classify, relay, refuse };
command_handling handling_of(command c) noexcept;

// Whether the server answers the command at all.
bool expects_response(command c) noexcept;

expected<std::string_view, codec_error> decode_query(bytes_view payload);          // COM_QUERY
expected<std::string_view, codec_error> decode_stmt_prepare(bytes_view payload);   // COM_STMT_PREPARE
expected<std::string_view, codec_error> decode_init_db(bytes_view payload);        // COM_INIT_DB

struct field_list {
  std::string_view table;
  std::string_view wildcard;
};
expected<field_list, codec_error> decode_field_list(bytes_view payload);

struct stmt_execute {
  std::uint32_t statement_id = 0;
  std::uint8_t flags = 0;  // cursor type
  std::uint32_t iterations = 0;
  std::string_view parameters;  // null bitmap, types and values: read with the statement's metadata
};
expected<stmt_execute, codec_error> decode_stmt_execute(bytes_view payload);

// COM_STMT_CLOSE, COM_STMT_RESET: the statement id.
expected<std::uint32_t, codec_error> decode_stmt_id(bytes_view payload, command expected_command);

struct stmt_send_long_data {
  std::uint32_t statement_id = 0;
  std::uint16_t parameter = 0;
  std::string_view data;
};
expected<stmt_send_long_data, codec_error> decode_stmt_send_long_data(bytes_view payload);

struct stmt_fetch {
  std::uint32_t statement_id = 0;
  std::uint32_t rows = 0;
};
expected<stmt_fetch, codec_error> decode_stmt_fetch(bytes_view payload);

expected<std::uint16_t, codec_error> decode_set_option(bytes_view payload);

struct change_user {
  std::string_view user;
  std::string_view auth_response;
  std::string_view database;
  std::uint16_t collation = 0;
  std::string_view auth_plugin;
  std::vector<std::pair<std::string_view, std::string_view>> attributes;
};
// `caps` are the session's negotiated capabilities.
expected<change_user, codec_error> decode_change_user(bytes_view payload, capabilities caps);

// Encoders, for the gateway's own commands towards a server.
void encode_query_payload(std::string& out, std::string_view sql);
void encode_command_payload(std::string& out, command c);  // a command without arguments
void encode_init_db_payload(std::string& out, std::string_view schema);
void encode_stmt_prepare_payload(std::string& out, std::string_view sql);
void encode_stmt_id_payload(std::string& out, command c, std::uint32_t statement_id);
void encode_stmt_execute_payload(std::string& out, const stmt_execute& e);
void encode_set_option_payload(std::string& out, std::uint16_t option);

}  // namespace gh::wire::mysql
