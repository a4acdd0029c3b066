// Startup-phase packets, frontend to backend.
// https://www.postgresql.org/docs/15/protocol-message-formats.html
//
//   SSLRequest      Int32 8  | Int32 80877103
//   GSSENCRequest   Int32 8  | Int32 80877104
//   CancelRequest   Int32 16 | Int32 80877102 | Int32 pid | Int32 secret
//   StartupMessage  Int32 len | Int32 protocol (major<<16 | minor) | (String name, String value)* | Byte1 0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/pg/error.hpp"

namespace gh::wire::pg {

inline constexpr std::int32_t ssl_request_code = 80877103;
inline constexpr std::int32_t gssenc_request_code = 80877104;
inline constexpr std::int32_t cancel_request_code = 80877102;
inline constexpr std::int32_t protocol_3_0 = 3 << 16;

struct ssl_request {};
struct gssenc_request {};
struct cancel_request {
  std::int32_t pid = 0;
  std::int32_t secret = 0;
  bool operator==(const cancel_request&) const = default;
};
struct startup_message {
  std::int32_t protocol = protocol_3_0;
  std::vector<std::pair<std::string, std::string>> params;  // in the order sent
  // Empty when the parameter is absent.
  std::string_view get(std::string_view name) const noexcept;
  bool has(std::string_view name) const noexcept;
};

using startup_packet = std::variant<ssl_request, gssenc_request, cancel_request, startup_message>;

// `body` is a framed packet without its length (next_startup_packet().body).
// An unknown protocol code is bad_value; protocol 3.x minor > 0 decodes (the
// caller answers with NegotiateProtocolVersion). A parameter named twice is
// bad_value too: PostgreSQL would take the last, get() the first.
expected<startup_packet, codec_error> decode_startup(bytes_view body);

std::string encode_ssl_request();
std::string encode_cancel_request(const cancel_request& c);
std::string encode_startup(const startup_message& m);

}  // namespace gh::wire::pg
