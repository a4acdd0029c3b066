// Codec errors of the MySQL wire layer, kept apart from I/O errors
// (STYLE.md §9). Each names what the peer got wrong.
#pragma once

#include <cstdint>
#include <string_view>

namespace gh::wire::mysql {

enum class codec_error : std::uint8_t {
  length_too_large = 1,  // a packet or message longer than the configured limit
  bad_sequence,          // a continuation packet out of sequence
  truncated,             // a field runs past the end of its payload
  missing_terminator,    // a NUL-terminated string without its NUL
  bad_value,             // a field with a value the protocol does not allow
  trailing_bytes,        // bytes left over after the last field
  unexpected_message,    // a message the response cannot hold at this point
};

std::string_view describe(codec_error e) noexcept;

}  // namespace gh::wire::mysql
