#include "audit/crc32c.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace gh::audit {

TEST(crc32c, check_value_from_rfc3720) {
  // The CRC catalogue's "check" for CRC-32/ISCSI.
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c_portable(as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c(as_bytes("")), 0u);
}

TEST(crc32c, rfc3720_all_zero_and_all_ones_vectors) {
  EXPECT_EQ(crc32c(as_bytes(std::string(32, '\0'))), 0x8A9136AAu);
  EXPECT_EQ(crc32c(as_bytes(std::string(32, '\xFF'))), 0x62A8AB43u);
}

TEST(crc32c, hardware_and_portable_agree_and_chain) {
  std::mt19937 rng(7);  // fixed seed: deterministic
  for (std::size_t n = 0; n < 300; ++n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    auto whole = crc32c_portable(as_bytes(s));
    ASSERT_EQ(crc32c(as_bytes(s)), whole) << n;
    std::size_t cut = n / 3;
    auto head = crc32c(as_bytes(std::string_view(s).substr(0, cut)));
    ASSERT_EQ(crc32c(as_bytes(std::string_view(s).substr(cut)), head), whole) << n;
  }
}

}  // namespace gh::audit
