// CRC-32C (Castagnoli, iSCSI polynomial 0x1EDC6F41, reflected 0x82F63B78), the
// checksum of each journal record (serialize.hpp). Chosen over zlib's CRC-32
// for its better error detection on short records and because x86-64 computes
// it in hardware (SSE4.2); a table-driven fallback gives the same result.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"

namespace gh::audit {

// Continues `crc` (0 to start) over `data`: crc32c(ab) == crc32c(b, crc32c(a)).
std::uint32_t crc32c(bytes_view data, std::uint32_t crc = 0) noexcept;
// The portable path alone, so tests can hold the hardware path to it.
std::uint32_t crc32c_portable(bytes_view data, std::uint32_t crc = 0) noexcept;

}  // namespace gh::audit
