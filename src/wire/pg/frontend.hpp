// Frontend (client to server) typed messages that the gateway reads or writes.
// https://www.postgresql.org/docs/15/protocol-message-formats.html
//
//   Query    'Q' | String sql
//   Parse    'P' | String statement | String sql | Int16 n | Int32 type_oid[n]
//   Bind     'B' | String portal | String statement | ... (formats, values: not decoded)
//   Describe 'D' | Byte1 'S'|'P' | String name
//   Execute  'E' | String portal | Int32 max_rows
//   Close    'C' | Byte1 'S'|'P' | String name
//   Sync 'S', Flush 'H', Terminate 'X', CopyDone 'c': empty bodies
//   CopyData 'd' | bytes;  CopyFail 'f' | String reason
//   PasswordMessage / SASLInitialResponse / SASLResponse 'p' | bytes (meaning depends on state)
//   FunctionCall 'F' (the fast path: never forwarded by the gateway)
//
// Decoded messages are views into the framed body: they live as long as it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/pg/error.hpp"

namespace gh::wire::pg {

namespace fe {
inline constexpr char query = 'Q', parse = 'P', bind = 'B', describe = 'D', execute = 'E',
                      close = 'C', sync = 'S', flush = 'H', terminate = 'X', copy_data = 'd',
                      copy_done = 'c', copy_fail = 'f', password = 'p', function_call = 'F';
}

struct query_msg { std::string_view sql; };
struct parse_msg {
  std::string_view statement;
  std::string_view sql;
  std::int16_t param_count = 0;
};
struct bind_msg {
  std::string_view portal;
  std::string_view statement;
};
struct describe_msg { char kind = 'S'; std::string_view name; };   // 'S' statement, 'P' portal
struct execute_msg { std::string_view portal; std::int32_t max_rows = 0; };
struct close_msg { char kind = 'S'; std::string_view name; };

expected<query_msg, codec_error> decode_query(bytes_view body);
expected<parse_msg, codec_error> decode_parse(bytes_view body);
expected<bind_msg, codec_error> decode_bind(bytes_view body);  // names only; the rest is not checked here
expected<describe_msg, codec_error> decode_describe(bytes_view body);
expected<execute_msg, codec_error> decode_execute(bytes_view body);
expected<close_msg, codec_error> decode_close(bytes_view body);
// PasswordMessage: a C string (cleartext or md5 password).
expected<std::string_view, codec_error> decode_password(bytes_view body);

void encode_query(std::string& out, std::string_view sql);
void encode_parse(std::string& out, std::string_view statement, std::string_view sql);
void encode_execute(std::string& out, std::string_view portal, std::int32_t max_rows);
void encode_sync(std::string& out);
void encode_terminate(std::string& out);
void encode_password(std::string& out, std::string_view password);
void encode_sasl_initial(std::string& out, std::string_view mechanism, std::string_view data);
void encode_sasl_response(std::string& out, std::string_view data);

}  // namespace gh::wire::pg
