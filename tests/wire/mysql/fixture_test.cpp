// Every fixture, fed to the message framer whole, split in two at every byte,
// and one byte at a time, frames to the same messages (STYLE.md §4, Beast's
// parsegrind); every prefix waits without consuming; every client message
// decodes with its decoder; every server response the tracker follows to
// its end.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "fixture.hpp"
#include "wire/mysql/command.hpp"
#include "wire/mysql/framing.hpp"

namespace gh::wire::mysql::test {
namespace {

// The message kinds issue 8 asks for, in both directions.
const char* const required_fixtures[] = {
    "be_handshake_v10", "be_handshake_v10_caching_sha2", "fe_handshake_response41",
    "fe_handshake_response41_caching_sha2", "fe_ssl_request", "be_auth_switch_request",
    "be_auth_switch_request_clear_password", "be_auth_switch_request_caching_sha2",
    "fe_auth_switch_response", "be_auth_more_data_fast_auth_success",
    "be_auth_more_data_perform_full_authentication", "be_auth_more_data_public_key",
    "fe_caching_sha2_request_public_key", "fe_clear_password", "be_ok", "be_ok_session_state",
    "be_ok_affected_rows", "be_err", "be_eof_set_option", "fe_com_query", "fe_com_query_multi",
    "fe_com_stmt_prepare", "be_stmt_prepare_ok", "be_stmt_prepare_ok_deprecate_eof",
    "fe_com_stmt_execute", "fe_com_stmt_close", "fe_com_stmt_reset", "fe_com_stmt_send_long_data",
    "fe_com_init_db", "fe_com_ping", "fe_com_quit", "fe_com_field_list", "fe_com_set_option",
    "fe_com_change_user", "fe_com_reset_connection", "fe_com_binlog_dump", "fe_com_statistics",
    "be_resultset_text", "be_resultset_binary", "be_resultset_multi",
    "be_resultset_multi_deprecate_eof", "be_resultset_binary_deprecate_eof", "be_field_list",
    "be_local_infile_request", "be_progress_then_ok", "be_statistics",
};

TEST(mysql_fixtures, every_required_message_kind_has_a_fixture) {
  const auto names = fixture_names();
  for (const char* want : required_fixtures)
    EXPECT_TRUE(std::find(names.begin(), names.end(), want) != names.end()) << want;
}

TEST(mysql_fixtures, hex_reads_whitespace_and_comments) {
  EXPECT_EQ(parse_hex("# head\n03 00\t00 # x\n00 0e # y\n"), std::string("\x03\0\0\0\x0e", 5));
  EXPECT_EQ(parse_hex("abc"), std::nullopt);
  EXPECT_EQ(parse_hex("0x00"), std::nullopt);
}

TEST(mysql_fixtures, every_fixture_frames_alike_at_every_split) {
  for (const auto& name : fixture_names()) {
    const fixture f = load_fixture(name);
    const grind_result whole = grind(f.bytes, {});
    EXPECT_EQ(whole.violations, "") << name;
    EXPECT_FALSE(whole.error) << name;
    EXPECT_EQ(whole.unconsumed, 0u) << name;
    EXPECT_FALSE(whole.messages.empty()) << name;
    for (std::size_t cut = 1; cut < f.bytes.size(); ++cut)
      ASSERT_EQ(grind(f.bytes, {cut}), whole) << name << " split at " << cut;
    std::vector<std::size_t> every(f.bytes.size() > 0 ? f.bytes.size() - 1 : 0);
    std::iota(every.begin(), every.end(), std::size_t{1});
    EXPECT_EQ(grind(f.bytes, every), whole) << name << " one byte at a time";
    // Every proper prefix waits without consuming.
    for (std::size_t n = 0; n + 1 < f.bytes.size() && whole.messages.size() == 1; ++n) {
      const auto g = grind(std::string_view(f.bytes).substr(0, n), {});
      EXPECT_TRUE(g.messages.empty() && !g.error && g.unconsumed == n) << name << " prefix " << n;
    }
  }
}

TEST(mysql_fixtures, every_client_command_decodes) {
  const capabilities caps = cap::protocol_41 | cap::secure_connection | cap::plugin_auth;
  int decoded = 0;
  for (const auto& name : fixture_names()) {
    if (!name.starts_with("fe_com_")) continue;
    for (const auto& p : payloads_of(name)) {
      const auto c = command_of(bytes_of(p));
      ASSERT_TRUE(c) << name;
      const bytes_view b = bytes_of(p);
      bool ok = true;
      switch (*c) {
        case command::query: ok = decode_query(b).has_value(); break;
        case command::stmt_prepare: ok = decode_stmt_prepare(b).has_value(); break;
        case command::init_db: ok = decode_init_db(b).has_value(); break;
        case command::field_list: ok = decode_field_list(b).has_value(); break;
        case command::stmt_execute: ok = decode_stmt_execute(b).has_value(); break;
        case command::stmt_close:
        case command::stmt_reset: ok = decode_stmt_id(b, *c).has_value(); break;
        case command::stmt_send_long_data: ok = decode_stmt_send_long_data(b).has_value(); break;
        case command::set_option: ok = decode_set_option(b).has_value(); break;
        case command::change_user: ok = decode_change_user(b, caps).has_value(); break;
        default: break;
      }
      EXPECT_TRUE(ok) << name;
      ++decoded;
    }
  }
  EXPECT_GE(decoded, 15);
}

}  // namespace
}  // namespace gh::wire::mysql::test
