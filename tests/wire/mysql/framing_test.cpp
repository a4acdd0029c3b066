// Framing: lengths checked at the header, continuation packets of 16 MiB - 1,
// sequence ids, and the encoder's split.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/mysql/constants.hpp"
#include "wire/mysql/framing.hpp"

namespace gh::wire::mysql::test {
namespace {

std::string header(std::size_t len, std::uint8_t seq) {
  return std::string{static_cast<char>(len & 0xff), static_cast<char>((len >> 8) & 0xff),
                     static_cast<char>((len >> 16) & 0xff), static_cast<char>(seq)};
}

TEST(mysql_framing, a_packet_and_what_it_waits_for) {
  const std::string in = header(3, 7) + "abc" + "rest";
  const packet_frame p = next_packet(bytes_of(in), 100);
  ASSERT_EQ(p.status, frame_status::ready);
  EXPECT_EQ(p.sequence, 7);
  EXPECT_EQ(as_chars(p.payload), "abc");
  EXPECT_EQ(p.size, 7u);
  const packet_frame partial = next_packet(bytes_of(in.substr(0, 5)), 100);
  EXPECT_EQ(partial.status, frame_status::need_more);
  EXPECT_EQ(partial.wanted, 7u);
  EXPECT_EQ(next_packet(bytes_of(in.substr(0, 3)), 100).wanted, 0u);  // the header is not known yet
}

TEST(mysql_framing, a_length_over_the_limit_fails_at_the_header) {
  // Only the header has arrived: the claim is refused before any buffering.
  const std::string in = header(1000, 0);
  EXPECT_EQ(next_packet(bytes_of(in), 999).status, frame_status::error);
  EXPECT_EQ(next_packet(bytes_of(in), 999).error, codec_error::length_too_large);
  EXPECT_EQ(next_message(bytes_of(in), 999).error, codec_error::length_too_large);
  EXPECT_EQ(next_packet(bytes_of(in), 1000).status, frame_status::need_more);
}

TEST(mysql_framing, continuation_packets_make_one_message) {
  std::string payload(max_packet_payload + 10, 'x');
  payload[0] = 'a';
  payload.back() = 'z';
  std::string in;
  EXPECT_EQ(encode_packets(in, 3, payload), 5);
  EXPECT_EQ(in.size(), payload.size() + 8);
  const message_frame f = next_message(bytes_of(in), 32u << 20);
  ASSERT_EQ(f.status, frame_status::ready);
  EXPECT_EQ(f.packets, 2u);
  EXPECT_EQ(f.sequence, 3);
  EXPECT_EQ(f.last_sequence, 4);
  EXPECT_EQ(f.payload_size, payload.size());
  std::string back;
  append_payload(bytes_of(in), f, back);
  EXPECT_EQ(back, payload);
  // The running total meets the limit at the second header, before its body.
  const std::string first_and_header = in.substr(0, 4 + max_packet_payload + 4);
  EXPECT_EQ(next_message(bytes_of(first_and_header), max_packet_payload + 9).error,
            codec_error::length_too_large);
  const message_frame waiting = next_message(bytes_of(first_and_header), 32u << 20);
  EXPECT_EQ(waiting.status, frame_status::need_more);
  EXPECT_EQ(waiting.wanted, in.size());
}

TEST(mysql_framing, a_payload_of_exactly_a_full_packet_ends_with_an_empty_one) {
  const std::string payload(max_packet_payload, 'y');
  std::string out;
  EXPECT_EQ(encode_packets(out, 0, payload), 2);
  EXPECT_EQ(out.size(), payload.size() + 8);
  EXPECT_EQ(out.substr(out.size() - 4), header(0, 1));
  const message_frame f = next_message(bytes_of(out), 32u << 20);
  EXPECT_EQ(f.status, frame_status::ready);
  EXPECT_EQ(f.payload_size, payload.size());
  // Without the empty packet the message is not over.
  EXPECT_EQ(next_message(bytes_of(out.substr(0, out.size() - 4)), 32u << 20).status,
            frame_status::need_more);
}

TEST(mysql_framing, continuation_out_of_sequence_is_an_error) {
  std::string in = header(max_packet_payload, 1) + std::string(max_packet_payload, 'q') + header(0, 5);
  EXPECT_EQ(next_message(bytes_of(in), 32u << 20).error, codec_error::bad_sequence);
}

TEST(mysql_framing, empty_and_small_payloads_round_trip) {
  for (std::string_view p : {std::string_view(), std::string_view("\x0e", 1), std::string_view("abc")}) {
    std::string out;
    encode_packets(out, 9, p);
    const grind_result g = grind(out, {});
    ASSERT_EQ(g.messages.size(), 1u);
    EXPECT_EQ(g.messages[0].payload, p);
    EXPECT_EQ(g.messages[0].sequence, 9);
  }
}

}  // namespace
}  // namespace gh::wire::mysql::test
