// Hashes and MACs over OpenSSL 3, as plain functions over bytes. Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

namespace gh {

std::string sha256(std::string_view data);                              // 32 raw bytes
std::string hmac_sha256(std::string_view key, std::string_view data);   // 32 raw bytes
std::string md5_hex(std::string_view data);                             // 32 hex chars
// PBKDF2-HMAC-SHA256 (SCRAM's Hi()), 32 bytes.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations);

// Compares in time that depends only on the lengths, never on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// Overwrites a secret's bytes (in a way the compiler keeps), then empties it.
void secure_clear(std::string& secret) noexcept;

}  // namespace gh
