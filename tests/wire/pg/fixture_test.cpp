// Every fixture, fed to the framer whole, split in two at every byte, and one
// byte at a time, frames to the same messages (STYLE.md §4, Beast's
// parsegrind); every prefix waits without consuming; and every message that
// has a decoder decodes.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "fixture.hpp"
#include "wire/pg/backend.hpp"
#include "wire/pg/frontend.hpp"
#include "wire/pg/startup.hpp"

namespace gh::wire::pg::test {
namespace {

// The message kinds issue 3 asks for, in both directions.
const char* const required_fixtures[] = {
    "fe_startup_message", "fe_ssl_request", "fe_gssenc_request", "fe_cancel_request",
    "fe_query", "fe_parse", "fe_parse_typed", "fe_bind", "fe_describe_statement",
    "fe_describe_portal", "fe_execute", "fe_close_statement", "fe_close_portal", "fe_sync",
    "fe_flush", "fe_terminate", "fe_copy_data", "fe_copy_done", "fe_copy_fail",
    "fe_password_cleartext", "fe_password_md5", "fe_sasl_initial_response", "fe_sasl_response",
    "fe_function_call", "be_auth_ok", "be_auth_cleartext", "be_auth_md5", "be_auth_sasl",
    "be_auth_sasl_continue", "be_auth_sasl_final", "be_parameter_status", "be_backend_key_data",
    "be_ready_for_query_idle", "be_error_response", "be_notice_response", "be_command_complete",
    "be_row_description", "be_data_row", "be_negotiate_protocol_version",
};

TEST(pg_fixtures, every_required_message_kind_has_a_fixture) {
  auto names = fixture_names();
  for (const char* want : required_fixtures)
    EXPECT_TRUE(std::find(names.begin(), names.end(), want) != names.end()) << want;
}

TEST(pg_fixtures, hex_reads_whitespace_and_comments) {
  EXPECT_EQ(parse_hex("# head\n51 00\t00 # 'Q'\n00 05 # x y z\n"), std::string("Q\0\0\0\x05", 5));
  EXPECT_EQ(parse_hex(""), std::string());
  EXPECT_EQ(parse_hex("aBcD"), std::string("\xab\xcd"));
}

TEST(pg_fixtures, hex_refuses_odd_digits_and_strangers) {
  EXPECT_EQ(parse_hex("abc"), std::nullopt);
  EXPECT_EQ(parse_hex("zz"), std::nullopt);
  EXPECT_EQ(parse_hex("0x00"), std::nullopt);
}

// Decodes with whatever decoder the message kind has; nullopt when it
// decodes or has none.
std::optional<codec_error> decode_error(std::string_view fixture, char type, bytes_view body) {
  auto err = [](const auto& r) -> std::optional<codec_error> {
    if (r) return std::nullopt;
    return r.error();
  };
  bool frontend = fixture.starts_with("fe_") || fixture.starts_with("stream_fe_");
  if (frontend) {
    switch (type) {
      case fe::query: return err(decode_query(body));
      case fe::parse: return err(decode_parse(body));
      case fe::bind: return err(decode_bind(body));
      case fe::describe: return err(decode_describe(body));
      case fe::execute: return err(decode_execute(body));
      case fe::close: return err(decode_close(body));
      case fe::password:
        if (fixture.starts_with("fe_password_")) return err(decode_password(body));
        return std::nullopt;  // SASL messages: the bytes are the SCRAM exchange's
      default: return std::nullopt;
    }
  }
  switch (type) {
    case be::authentication: return err(decode_auth(body));
    case be::parameter_status: return err(decode_parameter_status(body));
    case be::backend_key_data: return err(decode_backend_key_data(body));
    case be::ready_for_query: return err(decode_ready_for_query(body));
    case be::error_response: [[fallthrough]];
    case be::notice_response: return err(decode_notice(body));
    case be::command_complete: return err(decode_command_complete(body));
    default: return std::nullopt;
  }
}

class pg_fixture : public ::testing::TestWithParam<std::string> {};

TEST_P(pg_fixture, frames_the_same_whole_split_at_every_byte_and_bytewise) {
  fixture f = load_fixture(GetParam());
  grind_result whole = grind(f.bytes, f.startup, {});
  ASSERT_EQ(whole.violations, "");
  ASSERT_FALSE(whole.error) << describe(*whole.error);
  EXPECT_EQ(whole.unconsumed, 0u);
  if (f.name.starts_with("stream_"))
    EXPECT_GT(whole.frames.size(), 1u);
  else
    ASSERT_EQ(whole.frames.size(), 1u);

  for (std::size_t cut = 1; cut < f.bytes.size(); ++cut)
    ASSERT_EQ(grind(f.bytes, f.startup, {cut}), whole) << "split at byte " << cut;
  std::vector<std::size_t> every(f.bytes.empty() ? 0 : f.bytes.size() - 1);
  std::iota(every.begin(), every.end(), std::size_t{1});
  EXPECT_EQ(grind(f.bytes, f.startup, every), whole) << "fed one byte at a time";
}

TEST_P(pg_fixture, every_prefix_waits_and_keeps_its_bytes) {
  fixture f = load_fixture(GetParam());
  grind_result whole = grind(f.bytes, f.startup, {});
  for (std::size_t len = 0; len < f.bytes.size(); ++len) {
    grind_result p = grind(std::string_view(f.bytes).substr(0, len), f.startup, {});
    ASSERT_EQ(p.violations, "") << "prefix " << len;
    ASSERT_FALSE(p.error) << "prefix " << len;
    ASSERT_LT(p.frames.size(), whole.frames.size()) << "prefix " << len;
    ASSERT_TRUE(std::equal(p.frames.begin(), p.frames.end(), whole.frames.begin()));
    std::size_t framed = 0;
    for (const auto& m : p.frames) framed += m.size;
    EXPECT_EQ(framed + p.unconsumed, len) << "prefix " << len;
  }
}

TEST_P(pg_fixture, decodes_where_a_decoder_exists) {
  fixture f = load_fixture(GetParam());
  grind_result whole = grind(f.bytes, f.startup, {});
  for (std::size_t i = 0; i < whole.frames.size(); ++i) {
    const framed& m = whole.frames[i];
    if (f.startup && i == 0) {
      auto p = decode_startup(bytes_of(m.body));
      EXPECT_TRUE(p) << describe(p.error());
      continue;
    }
    auto e = decode_error(f.name, m.type, bytes_of(m.body));
    EXPECT_FALSE(e) << "message " << i << " '" << m.type << "': " << describe(*e);
  }
}

INSTANTIATE_TEST_SUITE_P(all, pg_fixture, ::testing::ValuesIn(fixture_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace gh::wire::pg::test
