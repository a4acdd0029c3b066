// Backend (server to client) typed messages that the gateway reads or writes.
// https://www.postgresql.org/docs/15/protocol-message-formats.html
//
//   Authentication 'R' | Int32 code | data (0 ok, 3 cleartext, 5 md5 + Byte4 salt,
//                        10 SASL + String mechanism*, 11 SASLContinue + data, 12 SASLFinal + data)
//   ParameterStatus 'S' | String name | String value
//   BackendKeyData  'K' | Int32 pid | Int32 secret
//   ReadyForQuery   'Z' | Byte1 status ('I' idle, 'T' in transaction, 'E' failed transaction)
//   ErrorResponse 'E' / NoticeResponse 'N' | (Byte1 field, String value)* | Byte1 0
//   CommandComplete 'C' | String tag
//   NegotiateProtocolVersion 'v' | Int32 newest version (3 << 16 | minor, as PostgreSQL
//                                  sends it) | Int32 n | String option[n]
//   Others (RowDescription 'T', DataRow 'D', ...) pass through undecoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/pg/error.hpp"

namespace gh::wire::pg {

namespace be {
inline constexpr char authentication = 'R', parameter_status = 'S', backend_key_data = 'K',
                      ready_for_query = 'Z', error_response = 'E', notice_response = 'N',
                      command_complete = 'C', negotiate_protocol = 'v', parse_complete = '1',
                      bind_complete = '2', close_complete = '3', no_data = 'n',
                      parameter_description = 't', row_description = 'T', data_row = 'D',
                      empty_query = 'I', portal_suspended = 's', copy_in = 'G', copy_out = 'H',
                      copy_both = 'W', copy_data = 'd', copy_done = 'c',
                      notification = 'A', function_result = 'V';
}

enum class auth_code : std::int32_t {
  ok = 0, kerberos_v5 = 2, cleartext = 3, md5 = 5, gss = 7, gss_continue = 8, sspi = 9,
  sasl = 10, sasl_continue = 11, sasl_final = 12,
};

struct auth_request {
  auth_code code = auth_code::ok;
  std::string_view data;  // md5: 4-byte salt; sasl: mechanism list; continue/final: payload
};

// A notice or error field list, in the order received.
struct notice_fields {
  std::vector<std::pair<char, std::string_view>> fields;
  std::string_view get(char code) const noexcept;
  std::string_view sqlstate() const noexcept { return get('C'); }
  std::string_view message() const noexcept { return get('M'); }
  std::string_view severity() const noexcept { return get('V').empty() ? get('S') : get('V'); }
};

expected<auth_request, codec_error> decode_auth(bytes_view body);
// Mechanism names of an AuthenticationSASL data block.
std::vector<std::string_view> sasl_mechanisms(std::string_view data);
expected<std::pair<std::string_view, std::string_view>, codec_error> decode_parameter_status(bytes_view body);
expected<std::pair<std::int32_t, std::int32_t>, codec_error> decode_backend_key_data(bytes_view body);
expected<char, codec_error> decode_ready_for_query(bytes_view body);
expected<notice_fields, codec_error> decode_notice(bytes_view body);
expected<std::string_view, codec_error> decode_command_complete(bytes_view body);
// Rows a CommandComplete tag reports ("SELECT 5", "INSERT 0 5", "UPDATE 5"); -1 if none.
std::int64_t rows_from_tag(std::string_view tag) noexcept;

// What the gateway itself says in an ErrorResponse or NoticeResponse.
struct notice {
  std::string severity = "ERROR";   // ERROR, FATAL, NOTICE, ...
  std::string sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
};

void encode_auth_ok(std::string& out);
void encode_auth_cleartext(std::string& out);
void encode_parameter_status(std::string& out, std::string_view name, std::string_view value);
void encode_backend_key_data(std::string& out, std::int32_t pid, std::int32_t secret);
void encode_ready_for_query(std::string& out, char status);
void encode_error(std::string& out, const notice& n);
void encode_notice(std::string& out, const notice& n);
void encode_negotiate_protocol(std::string& out, std::int32_t newest_minor,
                               const std::vector<std::string>& unsupported_options);

}  // namespace gh::wire::pg
