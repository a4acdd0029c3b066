// The small value syntaxes of the config file, as pure functions over text:
// durations, listen addresses, names, hashes, URLs. Each returns nullopt (or
// the reason) and leaves the message, with file and line, to the loader.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace gh::config {

// "30s", "15m", "8h", "1h30m", "2d": units d > h > m > s, each at most once,
// largest first. No bare numbers (is 30 seconds or minutes?). At most 1 year.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

struct host_port {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
};
// "host:port", "1.2.3.4:port" or "[v6]:port", port 1-65535. The error says
// what was expected.
expected<host_port, std::string> parse_host_port(std::string_view text);
// A DNS name or an IPv4/IPv6 literal (IPv6 without brackets).
bool is_host(std::string_view text);

// Names of connections, rules and connectors: they appear in URLs, on the
// command line and in SQL error messages, so letters, digits, '_', '-', '.',
// starting with a letter or digit, at most 63 bytes (PostgreSQL's NAMEDATALEN).
bool is_name(std::string_view text);
// A principal or group as rules name it: non-empty, at most 256 bytes, no
// control characters or spaces.
bool is_principal_name(std::string_view text);
bool is_sha256_hex(std::string_view text);
// An environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool is_env_name(std::string_view text);
// http:// or https:// with a host. `require_https_off_loopback`: plain http
// only to localhost, 127.0.0.1 or [::1].
bool is_http_url(std::string_view text, bool require_https_off_loopback);
// A function as `read_functions` names it, canonical ("schema.name" or
// "name", folded as PostgreSQL folds identifiers); nullopt if malformed.
std::optional<std::string> canonical_function_name(std::string_view text);

// The closest of `candidates` to `word` when it is a likely typo, else empty.
std::string_view closest_word(std::string_view word, std::span<const std::string_view> candidates);

// For "got '…'" in messages: quoted, control characters escaped, at most 60
// characters. Never used on secrets.
std::string quote_value(std::string_view text);

}  // namespace gh::config
