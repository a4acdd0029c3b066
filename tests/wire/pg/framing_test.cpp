// Framing limits: a length is a claim, checked before anyone waits for the
// bytes it claims (STYLE.md §2).
#include <gtest/gtest.h>

#include "common/bytes.hpp"
#include "fixture.hpp"
#include "wire/pg/framing.hpp"

namespace gh::wire::pg::test {
namespace {

std::string typed_header(char type, std::uint32_t len) {
  std::string s(1, type);
  put_be32(s, len);
  return s;
}

std::string startup_header(std::uint32_t len, std::uint32_t code) {
  std::string s;
  put_be32(s, len);
  put_be32(s, code);
  return s;
}

constexpr std::uint32_t one_gib = 1u << 30;
constexpr std::uint32_t limit = 8192;

TEST(pg_framing, a_gib_claim_is_refused_from_the_header_alone) {
  std::string in = typed_header('Q', one_gib);
  ASSERT_EQ(in.size(), 5u);
  frame f = next_message(bytes_of(in), limit);
  EXPECT_EQ(f.status, frame_status::error);
  EXPECT_EQ(f.error, codec_error::length_too_large);
  EXPECT_EQ(f.wanted, 0u);
  EXPECT_EQ(f.size, 0u);
}

TEST(pg_framing, a_gib_startup_claim_is_refused_from_the_length_alone) {
  std::string in;
  put_be32(in, one_gib);
  frame f = next_startup_packet(bytes_of(in), limit);
  EXPECT_EQ(f.status, frame_status::error);
  EXPECT_EQ(f.error, codec_error::length_too_large);
}

TEST(pg_framing, the_limit_counts_the_whole_message) {
  // Typed: type byte + length field value; at the limit frames, one above is refused.
  std::string at = typed_header('d', limit - 1) + std::string(limit - 5, 'x');
  frame f = next_message(bytes_of(at), limit);
  EXPECT_EQ(f.status, frame_status::ready);
  EXPECT_EQ(f.size, limit);
  EXPECT_EQ(next_message(bytes_of(typed_header('d', limit)), limit).error, codec_error::length_too_large);

  std::string s_at = startup_header(limit, 196608) + std::string(limit - 8, 'x');
  EXPECT_EQ(next_startup_packet(bytes_of(s_at), limit).status, frame_status::ready);
  std::string s_over = startup_header(limit + 1, 196608);
  EXPECT_EQ(next_startup_packet(bytes_of(s_over), limit).error, codec_error::length_too_large);
}

TEST(pg_framing, lengths_above_int32_are_refused_whatever_the_limit) {
  for (std::uint32_t len : {0x80000000u, 0xfffffffeu, 0xffffffffu}) {
    frame f = next_message(bytes_of(typed_header('Q', len)), 0xffffffffu);
    EXPECT_EQ(f.status, frame_status::error) << len;
    EXPECT_EQ(f.error, codec_error::length_too_large) << len;
  }
}

TEST(pg_framing, a_zero_limit_admits_nothing) {
  EXPECT_EQ(next_message(bytes_of(typed_header('S', 4)), 0).error, codec_error::length_too_large);
  EXPECT_EQ(next_message(bytes_of(typed_header('S', 4)), 5).status, frame_status::ready);
  EXPECT_EQ(next_message(bytes_of(typed_header('S', 4)), 4).error, codec_error::length_too_large);
}

TEST(pg_framing, lengths_below_their_own_size_are_refused) {
  for (std::uint32_t len : {0u, 1u, 2u, 3u}) {
    frame f = next_message(bytes_of(typed_header('Q', len)), limit);
    EXPECT_EQ(f.status, frame_status::error) << len;
    EXPECT_EQ(f.error, codec_error::length_too_small) << len;
  }
  for (std::uint32_t len : {0u, 4u, 7u}) {
    std::string in;
    put_be32(in, len);
    frame f = next_startup_packet(bytes_of(in), limit);
    EXPECT_EQ(f.error, codec_error::length_too_small) << len;
  }
}

TEST(pg_framing, need_more_names_the_total_once_the_header_is_known) {
  std::string in = typed_header('Q', 100) + "SELECT";
  frame f = next_message(bytes_of(in), limit);
  EXPECT_EQ(f.status, frame_status::need_more);
  EXPECT_EQ(f.wanted, 101u);
  EXPECT_EQ(f.size, 0u);
  EXPECT_TRUE(f.body.empty());
  for (std::size_t n = 0; n < 5; ++n) {
    frame g = next_message(bytes_of(in.substr(0, n)), limit);
    EXPECT_EQ(g.status, frame_status::need_more) << n;
    EXPECT_EQ(g.wanted, 0u) << n;
  }
  std::string s = startup_header(40, 196608);
  frame h = next_startup_packet(bytes_of(s), limit);
  EXPECT_EQ(h.status, frame_status::need_more);
  EXPECT_EQ(h.wanted, 40u);
}

TEST(pg_framing, empty_bodies_frame) {
  frame f = next_message(bytes_of(typed_header('S', 4)), limit);
  ASSERT_EQ(f.status, frame_status::ready);
  EXPECT_EQ(f.type, 'S');
  EXPECT_TRUE(f.body.empty());
  EXPECT_EQ(f.size, 5u);
}

TEST(pg_framing, frames_one_message_of_several_and_leaves_the_rest) {
  std::string in = typed_header('S', 4) + typed_header('H', 4) + "X";
  frame f = next_message(bytes_of(in), limit);
  ASSERT_EQ(f.status, frame_status::ready);
  EXPECT_EQ(f.size, 5u);
  grind_result r = grind(in, false, {});
  EXPECT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.unconsumed, 1u);
  EXPECT_FALSE(r.error);
}

TEST(pg_framing, an_error_mid_stream_stops_there) {
  std::string in = typed_header('S', 4) + typed_header('Q', one_gib);
  grind_result r = grind(in, false, {7});
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.error, codec_error::length_too_large);
}

TEST(pg_framing, every_error_has_a_description) {
  for (auto e : {codec_error::length_too_small, codec_error::length_too_large, codec_error::truncated,
                 codec_error::missing_terminator, codec_error::bad_value, codec_error::trailing_bytes}) {
    EXPECT_FALSE(describe(e).empty());
    EXPECT_NE(describe(e), "malformed message");
  }
}

}  // namespace
}  // namespace gh::wire::pg::test
