// The compact serialization of a JWS (RFC 7515 §7.1):
//
//   BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)
//
// Splitting and decoding only: nothing here trusts the token. Limits are
// checked before anything is decoded or parsed (STYLE.md §2).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/expected.hpp"
#include "identity/strict_json.hpp"

namespace gh::identity {

// The only algorithms Gatehouse verifies (RFC 7518 §3.3, §3.4, §3.5; RFC 8037
// §3.1). Everything else, "none" and HS* included, has no enumerator at all.
enum class jws_alg { rs256, ps256, es256, eddsa };

std::optional<jws_alg> parse_jws_alg(std::string_view name) noexcept;
std::string_view to_string(jws_alg alg) noexcept;

inline constexpr std::size_t max_token_size = 8 * 1024;
inline constexpr json_limits header_json_limits{4 * 1024, 4};
inline constexpr json_limits payload_json_limits{6 * 1024, 8};

enum class jws_error { too_large, malformed };

struct compact_jws {
  std::string_view signing_input;  // header "." payload exactly as sent: what was signed
  boost::json::object header;
  std::string payload;    // decoded bytes, not yet parsed: claims wait for the signature
  std::string signature;  // decoded bytes
};

// Precondition: none. Refuses more or fewer than three parts, an empty header
// or payload, '=' padding, any character outside base64url, non-canonical
// trailing bits, and a header that is not a small duplicate-free JSON object.
// The result's signing_input points into `token`.
expected<compact_jws, jws_error> split_compact_jws(std::string_view token);

// Strict base64url as JWS wants it: no padding, canonical trailing bits.
std::optional<std::string> jws_base64url_decode(std::string_view text);

}  // namespace gh::identity
