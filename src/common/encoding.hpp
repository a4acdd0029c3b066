// Hex and base64 (standard and URL-safe) encodings used by tokens, SCRAM and JWT.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gh {

std::string to_hex(std::string_view bytes);
// Lower- or upper-case hex; nullopt on odd length or a non-hex digit.
std::optional<std::string> from_hex(std::string_view hex);

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  // no padding
// Strict: nullopt on any character outside the alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view text);
// Accepts input with or without '=' padding.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace gh
