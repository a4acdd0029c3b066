// Codec errors of the connector protocol (docs/connectors.md), kept apart
// from I/O errors (STYLE.md §9). Each names what the peer got wrong.
#pragma once

#include <cstdint>
#include <string_view>

namespace gh::wire::connector {

enum class codec_error : std::uint8_t {
  bad_magic = 1,        // the first bytes are not "GHCN": not a connector at all
  unsupported_version,  // a protocol version this side does not speak
  bad_kind,             // a preamble that is neither control nor data
  length_too_large,     // a frame length above the limit for this point of the exchange
  truncated,            // a field runs past the end of its frame
  bad_value,            // a field with a value the protocol does not allow
  trailing_bytes,       // bytes left over after the last field
  unexpected_type,      // a frame type not allowed here
};

std::string_view describe(codec_error e) noexcept;

}  // namespace gh::wire::connector
