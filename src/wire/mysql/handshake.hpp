// Connection phase: the server's Handshake v10, the client's SSLRequest and
// HandshakeResponse41.
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets.html
// https://mariadb.com/kb/en/connection/
//
// Handshake v10 (server -> client):
//   int<1> 10 | string<NUL> server_version | int<4> connection_id
//   | string[8] auth_plugin_data_1 | int<1> 0 | int<2> capabilities (low)
//   | int<1> collation | int<2> status | int<2> capabilities (high)
//   | int<1> auth_plugin_data_len (PLUGIN_AUTH) or 0 | string[6] 0
//   | int<4> MariaDB extended capabilities (when CLIENT_MYSQL is clear) or 0
//   | SECURE_CONNECTION: string[max(13, len - 8)] auth_plugin_data_2 (NUL-ended)
//   | PLUGIN_AUTH: string<NUL> auth_plugin_name
// SSLRequest (client): int<4> capabilities | int<4> max_packet | int<1> collation
//   | string[19] 0 | int<4> MariaDB extended capabilities or 0          (32 bytes)
// HandshakeResponse41 (client): the SSLRequest's 32 bytes | string<NUL> user
//   | auth response: lenenc (PLUGIN_AUTH_LENENC_CLIENT_DATA), int<1> length
//     + data (SECURE_CONNECTION), or string<NUL>
//   | CONNECT_WITH_DB: string<NUL> database | PLUGIN_AUTH: string<NUL> plugin
//   | CONNECT_ATTRS: lenenc total, then lenenc key / lenenc value pairs
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/mysql/constants.hpp"
#include "wire/mysql/error.hpp"

namespace gh::wire::mysql {

struct handshake_v10 {
  std::string server_version;
  std::uint32_t connection_id = 0;
  // The auth plugin's nonce ("scramble"): both parts, without the trailing
  // NUL the server sends after the second.
  std::string auth_plugin_data;
  capabilities caps = 0;  // MariaDB's extended capabilities in the upper 32 bits
  std::uint8_t collation = 0;
  std::uint16_t status = 0;
  std::string auth_plugin_name;
};

expected<handshake_v10, codec_error> decode_handshake(bytes_view payload);
// Preconditions: auth_plugin_data is 20 bytes without NUL bytes (clients
// read the second part up to a NUL); caps include protocol_41,
// secure_connection and plugin_auth.
void encode_handshake_payload(std::string& out, const handshake_v10& h);

struct handshake_response {
  capabilities caps = 0;
  std::uint32_t max_packet_size = 0;
  std::uint8_t collation = 0;
  std::string_view user;
  std::string_view auth_response;
  std::string_view database;     // empty without CONNECT_WITH_DB
  std::string_view auth_plugin;  // empty without PLUGIN_AUTH
  std::vector<std::pair<std::string_view, std::string_view>> attributes;
};

// The 32-byte SSLRequest: a client asking for TLS before it says who it is.
bool is_ssl_request(bytes_view payload) noexcept;
expected<handshake_response, codec_error> decode_ssl_request(bytes_view payload);
expected<handshake_response, codec_error> decode_handshake_response(bytes_view payload);

// Encodes towards a server: uses caps to choose each field's form. A
// response with CLIENT_SSL and nothing else is the SSLRequest: encode it with
// encode_ssl_request_payload.
void encode_handshake_response_payload(std::string& out, const handshake_response& r);
void encode_ssl_request_payload(std::string& out, const handshake_response& r);

}  // namespace gh::wire::mysql
