#include "common/encoding.hpp"

#include <gtest/gtest.h>

namespace gh {

TEST(hex, round_trip) {
  EXPECT_EQ(to_hex(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(from_hex("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
}

TEST(base64, rfc4648_vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(base64_encode(plain[i]), coded[i]);
    EXPECT_EQ(base64_decode(coded[i]), std::string(plain[i]));
  }
}

TEST(base64, rejects_bad_input) {
  EXPECT_FALSE(base64_decode("Zg="));      // bad padding
  EXPECT_FALSE(base64_decode("Z!=="));     // outside the alphabet
  EXPECT_FALSE(base64_decode("Zh=="));     // non-zero leftover bits
  EXPECT_FALSE(base64url_decode("Zm9v+"));
}

TEST(base64url, with_and_without_padding) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
  EXPECT_EQ(base64url_decode("-_8="), std::string("\xfb\xff"));
}

}  // namespace gh
