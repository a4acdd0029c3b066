// Codec errors of the PostgreSQL wire layer, kept apart from I/O errors
// (STYLE.md §9). Each names what the peer got wrong.
#pragma once

#include <cstdint>
#include <string_view>

namespace gh::wire::pg {

enum class codec_error : std::uint8_t {
  length_too_small = 1,  // a length field below its own size
  length_too_large,      // a length field above the configured limit
  truncated,             // a field runs past the end of its message
  missing_terminator,    // a C string without its NUL
  bad_value,             // a field with a value the protocol does not allow
  trailing_bytes,        // bytes left over after the last field
};

std::string_view describe(codec_error e) noexcept;

}  // namespace gh::wire::pg
