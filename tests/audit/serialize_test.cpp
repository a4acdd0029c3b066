#include "audit/serialize.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "audit/crc32c.hpp"
#include "common/encoding.hpp"
#include "sample_events.hpp"

namespace gh::audit {
namespace {

using testing::sample_outcome;
using testing::sample_statement;

std::string record_of(const event& ev, std::size_t statement_max = 1 << 20) {
  std::string out;
  EXPECT_TRUE(append_record(out, ev, statement_max).has_value());
  return out;
}

// A hex fixture: whitespace and '#' comments are ignored.
std::string read_hex_fixture(const std::string& name) {
  std::ifstream in(std::string(GH_TEST_DATA_DIR) + "/" + name);
  std::string line, hex;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    for (char c : line)
      if (!std::isspace(static_cast<unsigned char>(c))) hex += c;
  }
  auto bytes = from_hex(hex);
  EXPECT_TRUE(bytes.has_value()) << name;
  return bytes.value_or("");
}

TEST(serialize, round_trip_keeps_every_field) {
  event full = sample_statement(3);
  full.tables = {"public.orders", "public.customers", ""};
  full.reviewer = "dba-alice";
  full.ref = "r-9";
  full.error = "42501 permission denied";
  full.duration_us = -1;
  full.rows = 1234567890123;
  full.statement = "select 'é\0x' -- \n\x01";
  for (const event& ev : {full, sample_outcome(full), event{}}) {
    std::string rec = record_of(ev);
    event back;
    frame f = decode_record(as_bytes(rec), back);
    ASSERT_EQ(f.status, decode_status::complete);
    EXPECT_EQ(f.used, rec.size());
    EXPECT_EQ(back, ev);
  }
}

TEST(serialize, version_1_layout_is_pinned_by_a_fixture) {
  // Journals outlive binaries: a new build must read what an old one wrote.
  event ev = sample_statement(1);
  std::string fixture = read_hex_fixture("record_v1.hex");
  EXPECT_EQ(to_hex(record_of(ev)), to_hex(fixture));
  event back;
  ASSERT_EQ(decode_record(as_bytes(fixture), back).status, decode_status::complete);
  EXPECT_EQ(back, ev);
}

TEST(serialize, every_prefix_needs_more_and_consumes_nothing) {
  std::string rec = record_of(sample_statement(1));
  event back;
  for (std::size_t n = 0; n < rec.size(); ++n) {
    frame f = decode_record(as_bytes(rec).first(n), back);
    ASSERT_EQ(f.status, decode_status::need_more) << "prefix " << n;
    ASSERT_EQ(f.used, 0u);
  }
}

// Feeds a stream of records split in two at every byte, as a tailing reader
// sees it: buffer what came, decode what is whole, keep the rest.
TEST(serialize, stream_split_at_every_byte_yields_the_same_events) {
  std::vector<event> sent = {sample_statement(1), sample_outcome(sample_statement(1)),
                             sample_statement(2, "ci-bot"), event{}};
  std::string stream;
  for (const auto& ev : sent) stream += record_of(ev);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    std::vector<event> got;
    std::string buffer;
    for (std::string_view chunk : {std::string_view(stream).substr(0, cut),
                                   std::string_view(stream).substr(cut)}) {
      buffer += chunk;
      std::size_t pos = 0;
      for (;;) {
        event ev;
        frame f = decode_record(as_bytes(buffer).subspan(pos), ev);
        if (f.status == decode_status::need_more) break;
        ASSERT_EQ(f.status, decode_status::complete) << "cut " << cut;
        got.push_back(ev);
        pos += f.used;
      }
      buffer.erase(0, pos);
    }
    ASSERT_EQ(got, sent) << "cut " << cut;
    ASSERT_TRUE(buffer.empty());
  }
}

TEST(serialize, torn_tail_after_whole_records_is_need_more) {
  std::string a = record_of(sample_statement(1));
  std::string b = record_of(sample_statement(2));
  std::string journal = a + b.substr(0, b.size() / 2);
  event ev;
  frame f = decode_record(as_bytes(journal), ev);
  ASSERT_EQ(f.status, decode_status::complete);
  EXPECT_EQ(decode_record(as_bytes(journal).subspan(f.used), ev).status, decode_status::need_more);
}

TEST(serialize, any_flipped_bit_is_never_read_as_an_event) {
  std::string rec = record_of(sample_statement(1));
  for (std::size_t i = 0; i < rec.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = rec;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      event ev;
      frame f = decode_record(as_bytes(bad), ev);
      ASSERT_NE(f.status, decode_status::complete) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(serialize, checksum_mismatch_reports_how_much_to_skip) {
  std::string rec = record_of(sample_statement(1));
  rec[record_header_size + 5] ^= 0x20;
  frame f = next_record(as_bytes(rec));
  EXPECT_EQ(f.status, decode_status::bad_checksum);
  EXPECT_EQ(f.used, rec.size());
}

TEST(serialize, impossible_lengths_are_refused_from_four_bytes) {
  for (std::uint32_t claim : {0u, body_min - 1, record_max + 1, 0xFFFFFFFFu}) {
    std::string head(4, '\0');
    store_be32(reinterpret_cast<std::uint8_t*>(head.data()), claim);
    EXPECT_EQ(next_record(as_bytes(head)).status, decode_status::bad_length) << claim;
  }
  // A plausible claim is only a claim: it asks for more, it reserves nothing.
  std::string head(4, '\0');
  store_be32(reinterpret_cast<std::uint8_t*>(head.data()), record_max);
  EXPECT_EQ(next_record(as_bytes(head)).status, decode_status::need_more);
}

TEST(serialize, a_good_checksum_over_a_bad_body_is_malformed) {
  // A body that lies about a string length, sealed with a correct CRC.
  std::string rec = record_of(sample_statement(1));
  std::size_t principal_len_at = record_header_size + 2 + 4 * 8;
  store_be32(reinterpret_cast<std::uint8_t*>(rec.data() + principal_len_at), 0x7FFFFFFF);
  auto b = as_bytes(rec);
  std::uint32_t crc = crc32c(b.subspan(record_header_size), crc32c(b.first(4)));
  store_be32(reinterpret_cast<std::uint8_t*>(rec.data() + 4), crc);
  event ev;
  frame f = decode_record(as_bytes(rec), ev);
  EXPECT_EQ(f.status, decode_status::malformed);
  EXPECT_EQ(f.used, rec.size());
}

TEST(serialize, a_time_beyond_what_a_time_point_holds_is_malformed) {
  // Found by audit_journal_fuzz: converting such a count overflowed.
  std::string rec = record_of(sample_statement(1));
  std::size_t time_at = record_header_size + 2;
  store_be32(reinterpret_cast<std::uint8_t*>(rec.data() + time_at), 0x09066102);
  auto b = as_bytes(rec);
  store_be32(reinterpret_cast<std::uint8_t*>(rec.data() + 4),
             crc32c(b.subspan(record_header_size), crc32c(b.first(4))));
  event ev;
  EXPECT_EQ(decode_record(as_bytes(rec), ev).status, decode_status::malformed);
}

TEST(serialize, long_statement_is_cut_at_a_character_and_its_length_kept) {
  event ev = sample_statement(1);
  ev.statement = "select '" + std::string(20, 'x') + "\xC3\xA9\xC3\xA9'";  // é é
  std::size_t full = ev.statement.size();
  event back;
  std::string rec = record_of(ev, 29);  // would split the first é
  ASSERT_EQ(decode_record(as_bytes(rec), back).status, decode_status::complete);
  EXPECT_EQ(back.statement, "select '" + std::string(20, 'x'));
  EXPECT_EQ(back.statement_length, full);
  rec = record_of(ev, full);
  ASSERT_EQ(decode_record(as_bytes(rec), back).status, decode_status::complete);
  EXPECT_EQ(back.statement, ev.statement);
  EXPECT_EQ(back.statement_length, 0u);
}

TEST(serialize, a_record_beyond_the_maximum_is_refused_and_leaves_the_buffer) {
  event ev = sample_statement(1);
  ev.tables.assign(1, std::string(record_max, 't'));
  std::string out = "kept";
  auto r = append_record(out, ev, 1 << 20);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), encode_error::too_large);
  EXPECT_EQ(out, "kept");
}

}  // namespace
}  // namespace gh::audit
