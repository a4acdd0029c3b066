#include "audit/crc32c.hpp"

#include <array>
#include <cstring>

namespace gh::audit {
namespace {

constexpr std::uint32_t polynomial = 0x82F63B78u;  // 0x1EDC6F41 bit-reversed

// Slicing-by-8 tables, computed at compile time: table[k][b] is the CRC of
// byte b followed by k zero bytes.
constexpr auto make_tables() {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = (c >> 1) ^ ((c & 1u) ? polynomial : 0u);
    t[0][b] = c;
  }
  for (std::size_t k = 1; k < 8; ++k)
    for (std::uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
  return t;
}
constexpr auto tables = make_tables();

std::uint32_t portable(const std::uint8_t* p, std::size_t n, std::uint32_t c) noexcept {
  for (; n >= 8; p += 8, n -= 8) {
    std::uint32_t lo = c ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                            std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24);
    c = tables[7][lo & 0xFF] ^ tables[6][(lo >> 8) & 0xFF] ^ tables[5][(lo >> 16) & 0xFF] ^
        tables[4][lo >> 24] ^ tables[3][p[4]] ^ tables[2][p[5]] ^ tables[1][p[6]] ^
        tables[0][p[7]];
  }
  for (; n > 0; ++p, --n) c = (c >> 8) ^ tables[0][(c ^ *p) & 0xFFu];
  return c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GH_CRC32C_HW 1
__attribute__((target("sse4.2"))) std::uint32_t hardware(const std::uint8_t* p, std::size_t n,
                                                         std::uint32_t c) noexcept {
  std::uint64_t c64 = c;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);  // unaligned load; x86 is little-endian as the CRC wants
    c64 = __builtin_ia32_crc32di(c64, word);
  }
  auto c32 = static_cast<std::uint32_t>(c64);
  for (; n > 0; ++p, --n) c32 = __builtin_ia32_crc32qi(c32, *p);
  return c32;
}
#endif

}  // namespace

std::uint32_t crc32c_portable(bytes_view data, std::uint32_t crc) noexcept {
  return ~portable(data.data(), data.size(), ~crc);
}

std::uint32_t crc32c(bytes_view data, std::uint32_t crc) noexcept {
#ifdef GH_CRC32C_HW
  // __builtin_cpu_supports reads a word the runtime filled in at start-up.
  if (__builtin_cpu_supports("sse4.2")) return ~hardware(data.data(), data.size(), ~crc);
#endif
  return crc32c_portable(data, crc);
}

}  // namespace gh::audit
