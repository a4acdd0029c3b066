// The response tracker over real responses: where each ends, what it held;
// and what it refuses.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/mysql/command.hpp"
#include "wire/mysql/result.hpp"

namespace gh::wire::mysql::test {
namespace {

const capabilities classic = cap::protocol_41 | cap::transactions | cap::secure_connection |
                             cap::plugin_auth | cap::session_track | cap::multi_results;
const capabilities deprecate = classic | cap::deprecate_eof;
// What the mariadb client negotiates with MariaDB (its fixtures carry it).
const capabilities mariadb_client = classic | cap::mariadb_cache_metadata | cap::mariadb_progress |
                                    cap::mariadb_extended_type_info;

struct run {
  std::vector<response_step> steps;
  response_tracker tracker;
};

run track(std::string_view name, command c, capabilities caps) {
  run r{{}, response_tracker(c, caps)};
  for (const auto& p : payloads_of(name)) r.steps.push_back(r.tracker.on_message(bytes_of(p), false));
  return r;
}

// Every message but the last keeps the response open; the last ends it.
void expect_one_response(const run& r, std::string_view name) {
  ASSERT_FALSE(r.steps.empty()) << name;
  for (std::size_t i = 0; i + 1 < r.steps.size(); ++i)
    EXPECT_EQ(r.steps[i], response_step::partial) << name << " message " << i;
  EXPECT_EQ(r.steps.back(), response_step::complete) << name;
  EXPECT_TRUE(r.tracker.complete()) << name;
}

TEST(mysql_responses, text_result_set) {
  const run r = track("be_resultset_text", command::query, mariadb_client);
  expect_one_response(r, "be_resultset_text");
  EXPECT_EQ(r.tracker.rows(), 1u);
  EXPECT_EQ(r.tracker.results(), 1u);
  const run n = track("be_resultset_null_row", command::query, mariadb_client);  // a row starting 0xFB
  expect_one_response(n, "be_resultset_null_row");
  EXPECT_EQ(n.tracker.rows(), 1u);
}

TEST(mysql_responses, multi_results_follow_the_more_results_flag) {
  const run r = track("be_resultset_multi", command::query, classic);
  expect_one_response(r, "be_resultset_multi");
  EXPECT_EQ(r.tracker.rows(), 2u);
  EXPECT_EQ(r.tracker.results(), 2u);
  const run d = track("be_resultset_multi_deprecate_eof", command::query, deprecate);
  expect_one_response(d, "be_resultset_multi_deprecate_eof");
  EXPECT_EQ(d.tracker.rows(), 2u);
  EXPECT_EQ(d.tracker.results(), 2u);
}

TEST(mysql_responses, ok_err_and_single_answers) {
  const run ok = track("be_ok_affected_rows", command::query, classic);
  expect_one_response(ok, "be_ok_affected_rows");
  EXPECT_EQ(ok.tracker.affected_rows(), 1u);
  const run err = track("be_err", command::query, classic);
  expect_one_response(err, "be_err");
  EXPECT_EQ(err.tracker.error_code(), 1054);
  expect_one_response(track("be_ok", command::ping, classic), "be_ok");
  expect_one_response(track("be_eof_set_option", command::set_option, classic), "be_eof_set_option");
  expect_one_response(track("be_statistics", command::statistics, mariadb_client), "be_statistics");
  expect_one_response(track("be_err_binlog", command::binlog_dump, classic), "be_err_binlog");
}

TEST(mysql_responses, prepare_and_execute) {
  const run p = track("be_stmt_prepare_ok", command::stmt_prepare, classic);
  expect_one_response(p, "be_stmt_prepare_ok");
  ASSERT_TRUE(p.tracker.prepared());
  EXPECT_EQ(p.tracker.prepared()->params, 2);
  EXPECT_EQ(p.tracker.prepared()->columns, 2);
  const run pd = track("be_stmt_prepare_ok_deprecate_eof", command::stmt_prepare, deprecate);
  expect_one_response(pd, "be_stmt_prepare_ok_deprecate_eof");
  const run e = track("be_resultset_binary", command::stmt_execute, classic);
  expect_one_response(e, "be_resultset_binary");
  EXPECT_EQ(e.tracker.rows(), 1u);
  const run ed = track("be_resultset_binary_deprecate_eof", command::stmt_execute, deprecate);
  expect_one_response(ed, "be_resultset_binary_deprecate_eof");
  EXPECT_EQ(ed.tracker.rows(), 1u);
}

TEST(mysql_responses, field_list) {
  expect_one_response(track("be_field_list", command::field_list, classic), "be_field_list");
  expect_one_response(track("be_field_list_deprecate_eof", command::field_list, deprecate),
                      "be_field_list_deprecate_eof");
}

TEST(mysql_responses, local_infile_then_the_servers_answer) {
  response_tracker t(command::query, classic | cap::mariadb_progress);
  EXPECT_EQ(t.on_message(bytes_of(payloads_of("be_local_infile_request")[0]), false),
            response_step::local_infile);
  EXPECT_FALSE(t.complete());
  const auto rest = payloads_of("be_progress_then_ok");
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(t.on_message(bytes_of(rest[0]), false), response_step::partial);  // progress report
  EXPECT_EQ(t.on_message(bytes_of(rest[1]), false), response_step::complete);
  // Without the progress capability, an ERR 0xFFFF ends the response.
  response_tracker u(command::query, classic);
  EXPECT_EQ(u.on_message(bytes_of(rest[0]), false), response_step::complete);
  EXPECT_EQ(u.error_code(), 0xffff);
}

TEST(mysql_responses, the_stream_of_a_whole_session) {
  // stream_be_commands answers raw_client.py's commands in order.
  const auto msgs = payloads_of("stream_be_commands");
  ASSERT_GE(msgs.size(), 33u);
  const command sequence[] = {command::query, command::query, command::stmt_prepare,
                              command::stmt_execute, command::stmt_reset, command::set_option,
                              command::field_list, command::reset_connection, command::ping,
                              command::binlog_dump};
  std::size_t at = 2;  // handshake, OK after auth
  for (command c : sequence) {
    response_tracker t(c, classic);
    while (at < msgs.size() && !t.complete()) {
      const auto step = t.on_message(bytes_of(msgs[at++]), false);
      ASSERT_NE(step, response_step::malformed) << command_name(c) << " at " << at;
    }
    EXPECT_TRUE(t.complete()) << command_name(c);
  }
  EXPECT_EQ(at, msgs.size());
}

TEST(mysql_responses, what_does_not_belong_is_malformed) {
  response_tracker done(command::ping, classic);
  EXPECT_EQ(done.on_message(bytes_of(payloads_of("be_ok")[0]), false), response_step::complete);
  EXPECT_EQ(done.on_message(bytes_of(payloads_of("be_ok")[0]), false), response_step::malformed);
  response_tracker zero(command::query, classic);
  EXPECT_EQ(zero.on_message(bytes_of(std::string("\x00\x00", 1) + std::string("x")), false),
            response_step::malformed);  // an OK too short to hold its fields
  response_tracker empty(command::query, classic);
  EXPECT_EQ(empty.on_message(bytes_view(), false), response_step::malformed);
  response_tracker ping(command::ping, classic);
  EXPECT_EQ(ping.on_message(bytes_of(std::string("\x03")), false), response_step::malformed);
  // No response at all: complete from the start.
  EXPECT_TRUE(response_tracker(command::stmt_close, classic).complete());
}

TEST(mysql_responses, a_row_of_16_mib_starting_with_0xfe_is_a_row) {
  response_tracker t(command::query, mariadb_client);
  EXPECT_EQ(t.on_message(bytes_of(std::string("\x01\x01")), false), response_step::partial);
  EXPECT_EQ(t.on_message(bytes_of(payloads_of("be_resultset_text")[1]), false), response_step::partial);
  EXPECT_EQ(t.on_message(bytes_of(payloads_of("be_resultset_text")[3]), false), response_step::partial);
  const std::string big_row_head("\xfe\x00\x00\x00\x01\x00\x00\x00\x00", 9);
  EXPECT_EQ(t.on_message(bytes_of(big_row_head), true), response_step::partial);
  EXPECT_EQ(t.rows(), 1u);
  EXPECT_EQ(t.on_message(bytes_of(payloads_of("be_resultset_text")[5]), false), response_step::complete);
}

TEST(mysql_responses, column_definitions_decode) {
  const auto p = payloads_of("be_resultset_text");
  const auto c = decode_column_definition(bytes_of(p[1]), mariadb_client);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "one");
  EXPECT_EQ(decode_column_count(bytes_of(p[0]), mariadb_client).value(), 2u);
  EXPECT_FALSE(decode_column_count(bytes_of(p[0]), classic));  // the extra byte is not a count
  EXPECT_FALSE(decode_column_count(bytes_of(std::string("\x02\x00", 2)), mariadb_client));  // skipped metadata
  const auto fields = payloads_of("be_field_list");
  const auto f = decode_column_definition(bytes_of(fields[0]), classic);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->schema, "gh");
  EXPECT_EQ(f->table, "t");
  EXPECT_EQ(f->name, "id");
}

TEST(mysql_responses, prepare_ok_round_trips) {
  stmt_prepare_ok ok{7, 3, 2, 1};
  std::string p;
  encode_stmt_prepare_ok_payload(p, ok);
  const auto back = decode_stmt_prepare_ok(bytes_of(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->statement_id, 7u);
  EXPECT_EQ(back->columns, 3);
  EXPECT_EQ(back->params, 2);
  EXPECT_EQ(back->warnings, 1);
}

}  // namespace
}  // namespace gh::wire::mysql::test
