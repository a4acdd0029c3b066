// Authentication exchange messages and the auth plugins, as pure functions.
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods.html
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html
//
//   AuthSwitchRequest (server): 0xFE | string<NUL> plugin | plugin data (rest)
//                               (0xFE alone: the pre-4.1 mysql_old_password switch, refused)
//   AuthMoreData (server):      0x01 | data (rest)
//   AuthSwitchResponse, and any later client auth packet: the data itself.
//
// mysql_native_password: SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password))).
// caching_sha2_password, fast path: SHA256(password) XOR
//   SHA256(SHA256(SHA256(password)) + nonce); the server answers AuthMoreData
//   0x03 (fast auth success) or 0x04 (perform full authentication). Full
//   authentication sends the password in clear inside TLS, or else asks for
//   the server's RSA public key (the byte 0x02), receives it as AuthMoreData
//   (PEM), and sends RSA-OAEP(public key, (password + NUL) XOR nonce repeated).
// mysql_clear_password: password + NUL (only inside TLS or on loopback).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "common/random.hpp"
#include "wire/mysql/error.hpp"

namespace gh::wire::mysql {

inline constexpr std::string_view native_password_plugin = "mysql_native_password";
inline constexpr std::string_view caching_sha2_plugin = "caching_sha2_password";
inline constexpr std::string_view clear_password_plugin = "mysql_clear_password";

namespace caching_sha2 {
inline constexpr std::uint8_t request_public_key = 0x02;
inline constexpr std::uint8_t fast_auth_success = 0x03;
inline constexpr std::uint8_t perform_full_authentication = 0x04;
}  // namespace caching_sha2

struct auth_switch_request {
  std::string_view plugin;
  std::string_view data;  // the nonce, without the trailing NUL servers add
};

expected<auth_switch_request, codec_error> decode_auth_switch_request(bytes_view payload);
void encode_auth_switch_request_payload(std::string& out, std::string_view plugin,
                                        std::string_view data);

// AuthMoreData: the bytes after 0x01.
expected<std::string_view, codec_error> decode_auth_more_data(bytes_view payload);
void encode_auth_more_data_payload(std::string& out, std::string_view data);

// 20 nonce bytes as servers make them: printable ASCII, no NUL (clients
// read the nonce's second part up to a NUL) and no '$'.
std::string make_nonce(const random_source& rng);

// The plugins' responses. An empty password answers with empty data, as
// the client libraries do. `nonce` is the 20-byte auth plugin data.
std::string native_password_response(std::string_view password, std::string_view nonce);
std::string caching_sha2_response(std::string_view password, std::string_view nonce);
std::string clear_password_response(std::string_view password);

// The server side of mysql_native_password: whether `response` proves
// knowledge of the password whose double SHA1 is `stored_hash` (20 bytes).
bool verify_native_password(std::string_view response, std::string_view nonce,
                            std::string_view stored_hash);

// caching_sha2_password full authentication over an unencrypted
// connection: (password + NUL) XOR the nonce repeated, then RSA-OAEP (SHA-1,
// MGF1 SHA-1, as the server decrypts) under its PEM public key.
std::string xor_password_with_nonce(std::string_view password, std::string_view nonce);
enum class rsa_error : std::uint8_t { bad_public_key = 1, too_long, encrypt_failed };
std::string_view describe(rsa_error e) noexcept;
expected<std::string, rsa_error> rsa_encrypt_password(std::string_view pem_public_key,
                                                      std::string_view password,
                                                      std::string_view nonce);

}  // namespace gh::wire::mysql
