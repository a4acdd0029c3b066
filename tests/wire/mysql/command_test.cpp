// Client commands from real clients, and what the gateway does with each.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/mysql/command.hpp"

namespace gh::wire::mysql::test {
namespace {

bytes_view first(const std::vector<std::string>& payloads) {
  EXPECT_FALSE(payloads.empty());
  return payloads.empty() ? bytes_view() : bytes_of(payloads[0]);
}

TEST(mysql_commands, query_prepare_and_init_db_carry_their_text) {
  auto q = payloads_of("fe_com_query");
  EXPECT_EQ(decode_query(first(q)).value(), "SELECT 1 AS one, 'two' AS two");
  auto m = payloads_of("fe_com_query_multi");
  EXPECT_EQ(decode_query(first(m)).value(), "SELECT 1 AS a; SELECT 2 AS b");
  auto p = payloads_of("fe_com_stmt_prepare");
  EXPECT_EQ(decode_stmt_prepare(first(p)).value(), "SELECT ? + 1 AS x, ? AS y");
  auto d = payloads_of("fe_com_init_db");
  EXPECT_EQ(decode_init_db(first(d)).value(), "gh");
  EXPECT_FALSE(decode_query(first(d)));  // the wrong command byte
}

TEST(mysql_commands, prepared_statement_commands_carry_the_statement_id) {
  auto e = payloads_of("fe_com_stmt_execute");
  const auto exec = decode_stmt_execute(first(e));
  ASSERT_TRUE(exec);
  EXPECT_EQ(exec->iterations, 1u);
  const std::uint32_t id = exec->statement_id;
  EXPECT_EQ(decode_stmt_id(first(payloads_of("fe_com_stmt_close")), command::stmt_close).value(), id);
  EXPECT_EQ(decode_stmt_id(first(payloads_of("fe_com_stmt_reset")), command::stmt_reset).value(), id);
  const auto long_data = payloads_of("fe_com_stmt_send_long_data");
  const auto ld = decode_stmt_send_long_data(first(long_data));
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->statement_id, id);
  EXPECT_EQ(ld->parameter, 1);
  EXPECT_EQ(ld->data, "long data");
  std::string again;
  encode_stmt_execute_payload(again, *exec);
  EXPECT_EQ(again, e[0]);
}

TEST(mysql_commands, other_commands) {
  EXPECT_EQ(decode_set_option(first(payloads_of("fe_com_set_option"))).value(), option_multi_statements_off);
  const auto field_list_payload = payloads_of("fe_com_field_list");
  const auto fl = decode_field_list(first(field_list_payload));
  ASSERT_TRUE(fl);
  EXPECT_EQ(fl->table, "t");
  const auto change_user_payload = payloads_of("fe_com_change_user");
  const auto cu = decode_change_user(first(change_user_payload),
                                     cap::protocol_41 | cap::secure_connection | cap::plugin_auth);
  ASSERT_TRUE(cu);
  EXPECT_EQ(cu->user, "gh");
  EXPECT_EQ(cu->database, "gh");
  EXPECT_EQ(cu->auth_plugin, "mysql_native_password");
  EXPECT_EQ(cu->auth_response.size(), 20u);
  EXPECT_EQ(command_of(first(payloads_of("fe_com_ping"))), command::ping);
  EXPECT_EQ(command_of(first(payloads_of("fe_com_quit"))), command::quit);
  EXPECT_EQ(command_of(first(payloads_of("fe_com_statistics"))), command::statistics);
  EXPECT_EQ(command_of(first(payloads_of("fe_com_reset_connection"))), command::reset_connection);
  EXPECT_EQ(command_of(first(payloads_of("fe_com_binlog_dump"))), command::binlog_dump);
  EXPECT_EQ(command_of(bytes_of(std::string("\x99"))), std::nullopt);
  EXPECT_EQ(command_of(bytes_view()), std::nullopt);
  EXPECT_FALSE(decode_set_option(bytes_of(std::string("\x1b\x02\x00", 3))));  // no such option
}

TEST(mysql_commands, what_the_gateway_does_with_each) {
  EXPECT_EQ(handling_of(command::query), command_handling::classify);
  EXPECT_EQ(handling_of(command::stmt_prepare), command_handling::classify);
  for (command c : {command::ping, command::quit, command::init_db, command::stmt_execute,
                    command::stmt_close, command::stmt_reset, command::stmt_send_long_data,
                    command::set_option, command::field_list,
                    command::statistics, command::stmt_fetch})
    EXPECT_EQ(handling_of(c), command_handling::relay) << command_name(c);
  for (command c : {command::change_user, command::reset_connection, command::binlog_dump, command::binlog_dump_gtid,
                    command::register_slave, command::table_dump, command::create_db,
                    command::drop_db, command::refresh, command::shutdown, command::process_kill,
                    command::debug, command::clone, command::multi, command::stmt_bulk_execute})
    EXPECT_EQ(handling_of(c), command_handling::refuse) << command_name(c);
  EXPECT_FALSE(expects_response(command::stmt_close));
  EXPECT_FALSE(expects_response(command::stmt_send_long_data));
  EXPECT_FALSE(expects_response(command::quit));
  EXPECT_TRUE(expects_response(command::stmt_reset));
  EXPECT_EQ(command_name(command::stmt_prepare), "COM_STMT_PREPARE");
}

TEST(mysql_commands, encoders_round_trip) {
  std::string q;
  encode_query_payload(q, "SELECT 1");
  EXPECT_EQ(decode_query(bytes_of(q)).value(), "SELECT 1");
  std::string s;
  encode_stmt_id_payload(s, command::stmt_close, 0x01020304);
  EXPECT_EQ(decode_stmt_id(bytes_of(s), command::stmt_close).value(), 0x01020304u);
  std::string o;
  encode_set_option_payload(o, option_multi_statements_on);
  EXPECT_EQ(decode_set_option(bytes_of(o)).value(), option_multi_statements_on);
  std::string d;
  encode_init_db_payload(d, "shop");
  EXPECT_EQ(decode_init_db(bytes_of(d)).value(), "shop");
}

}  // namespace
}  // namespace gh::wire::mysql::test
