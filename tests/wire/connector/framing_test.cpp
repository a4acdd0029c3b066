// The preamble and the framer: every fixture split at every byte reads as
// the whole does; limits and bad bytes refused as soon as they show.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/connector/framing.hpp"
#include "wire/connector/preamble.hpp"

namespace gh::wire::connector::test {
namespace {

bool has_preamble(const fixture& f) { return f.framing != "frames"; }

TEST(connector_fixtures, are_all_well_formed_and_read_whole) {
  auto names = fixture_names();
  ASSERT_GE(names.size(), 14u);
  for (const auto& name : names) {
    fixture f = load_fixture(name);
    read_result whole = read_stream(f.bytes, has_preamble(f), {});
    EXPECT_FALSE(whole.error) << name << ": " << describe(*whole.error);
    EXPECT_EQ(whole.unconsumed, 0u) << name;
    EXPECT_EQ(whole.violations, "") << name;
    if (f.framing != "preamble") EXPECT_FALSE(whole.frames.empty()) << name;
  }
}

// Beast's parsegrind: every single cut, then byte by byte.
TEST(connector_fixtures, split_at_every_byte_read_as_the_whole) {
  for (const auto& name : fixture_names()) {
    fixture f = load_fixture(name);
    read_result whole = read_stream(f.bytes, has_preamble(f), {});
    for (std::size_t cut = 1; cut < f.bytes.size(); ++cut)
      ASSERT_EQ(read_stream(f.bytes, has_preamble(f), {cut}), whole) << name << " cut at " << cut;
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < f.bytes.size(); ++i) every.push_back(i);
    EXPECT_EQ(read_stream(f.bytes, has_preamble(f), every), whole) << name << " byte by byte";
  }
}

TEST(connector_fixtures, truncated_streams_wait_and_never_misread) {
  for (const auto& name : fixture_names()) {
    fixture f = load_fixture(name);
    read_result whole = read_stream(f.bytes, has_preamble(f), {});
    for (std::size_t n = 0; n < f.bytes.size(); ++n) {
      read_result part = read_stream(std::string_view(f.bytes).substr(0, n), has_preamble(f), {});
      EXPECT_FALSE(part.error) << name << " first " << n << " bytes";
      ASSERT_LE(part.frames.size(), whole.frames.size());
      for (std::size_t i = 0; i < part.frames.size(); ++i) EXPECT_EQ(part.frames[i], whole.frames[i]) << name;
    }
  }
}

TEST(connector_preamble, control_and_data_decode) {
  auto c = read_stream(load_fixture("preamble_control").bytes, true, {});
  ASSERT_TRUE(c.head);
  EXPECT_EQ(c.head->kind, link_kind::control);
  EXPECT_EQ(c.head->route, "");
  EXPECT_EQ(encode_preamble(*c.head), load_fixture("preamble_control").bytes);
  auto d = read_stream(load_fixture("preamble_data").bytes, true, {});
  ASSERT_TRUE(d.head);
  EXPECT_EQ(d.head->kind, link_kind::data);
  EXPECT_EQ(d.head->route.size(), session_id_size);
  EXPECT_EQ(encode_preamble(*d.head), load_fixture("preamble_data").bytes);
}

preamble_step step_of(std::string_view bytes) { return decode_preamble(as_bytes(bytes)); }

TEST(connector_preamble, wrong_bytes_refused_as_soon_as_they_arrive) {
  // A TLS ClientHello sent straight to the listener: refused at its first byte.
  EXPECT_EQ(step_of("\x16").status, step_status::error);
  EXPECT_EQ(step_of("\x16").error, codec_error::bad_magic);
  EXPECT_EQ(step_of("GET /").error, codec_error::bad_magic);
  EXPECT_EQ(step_of("GHC").status, step_status::need_more);
  EXPECT_EQ(step_of("GHCX").error, codec_error::bad_magic);
  EXPECT_EQ(step_of(std::string("GHCN\x02", 5)).error, codec_error::unsupported_version);
  EXPECT_EQ(step_of(std::string("GHCN\x01Z", 6)).error, codec_error::bad_kind);
  EXPECT_EQ(step_of(std::string("GHCN\x01" "C\x01", 7)).error, codec_error::bad_value);
  EXPECT_EQ(step_of(std::string("GHCN\x01" "C\x00\x00", 8)).status, step_status::need_more);
}

TEST(connector_preamble, route_must_match_the_kind) {
  std::string control = load_fixture("preamble_control").bytes;
  std::string data = load_fixture("preamble_data").bytes;
  // A control connection names no session; a data connection always one.
  std::string control_with_route = control.substr(0, 8) + data.substr(8);
  std::string data_without_route = data.substr(0, 8) + control.substr(8);
  EXPECT_EQ(step_of(control_with_route).error, codec_error::bad_value);
  EXPECT_EQ(step_of(data_without_route).error, codec_error::bad_value);
}

TEST(connector_framing, a_length_over_the_limit_is_refused_with_the_header_alone) {
  std::string header = "O";
  put_be32(header, control_body_max + 1);
  frame f = next_frame(as_bytes(header), control_body_max);
  EXPECT_EQ(f.status, step_status::error);
  EXPECT_EQ(f.error, codec_error::length_too_large);
  // The hello limit is far smaller: an unauthenticated peer gets little room.
  std::string hello = "H";
  put_be32(hello, hello_body_max + 1);
  EXPECT_EQ(next_frame(as_bytes(hello), hello_body_max).error, codec_error::length_too_large);
  std::string huge = "Y";
  put_be32(huge, 0xffffffffu);
  EXPECT_EQ(next_frame(as_bytes(huge), data_reply_body_max).error, codec_error::length_too_large);
}

TEST(connector_framing, need_more_until_the_body_is_whole) {
  std::string f;
  append_frame(f, 'B', "");
  EXPECT_EQ(next_frame(as_bytes(f.substr(0, 4)), 16).status, step_status::need_more);
  frame whole = next_frame(as_bytes(f), 16);
  EXPECT_EQ(whole.status, step_status::ready);
  EXPECT_EQ(whole.size, 5u);
  append_frame(f, 'R', "abc");
  frame first = next_frame(as_bytes(f), 16);
  EXPECT_EQ(first.size, 5u);
  frame second = next_frame(as_bytes(f).subspan(5), 16);
  EXPECT_EQ(second.type, 'R');
  EXPECT_EQ(as_chars(second.body), "abc");
}

}  // namespace
}  // namespace gh::wire::connector::test
