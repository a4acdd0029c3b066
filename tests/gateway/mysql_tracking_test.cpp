// mysql_session_state: the session follows the server's own reports of what
// a command changed, and ends when they disagree with what the classifier
// predicted (docs/mysql.md, "What the session tracks").
#include <gtest/gtest.h>

#include "gateway/mysql_tracking.hpp"
#include "sql/mysql/classify.hpp"
#include "wire/mysql/payload.hpp"

namespace gh::gateway {
namespace {

namespace mysql = wire::mysql;

// One session state change as an OK packet carries it.
std::string variable(std::string_view name, std::string_view value) {
  std::string data, out;
  mysql::payload_builder(data).lenenc_string(name).lenenc_string(value);
  mysql::payload_builder(out).u8(static_cast<std::uint8_t>(mysql::session_track::system_variables)).lenenc_string(data);
  return out;
}

std::string schema(std::string_view name) {
  std::string data, out;
  mysql::payload_builder(data).lenenc_string(name);
  mysql::payload_builder(out).u8(static_cast<std::uint8_t>(mysql::session_track::schema)).lenenc_string(data);
  return out;
}

mysql_session_state started(std::string sql_mode = "STRICT_TRANS_TABLES", bool read_only = true) {
  mysql_session_state s;
  EXPECT_TRUE(s.start("shop", std::move(sql_mode), "utf8mb4", read_only, {}));
  return s;
}

mysql_expected_changes predicted(std::string_view sql) {
  return mysql_expected_changes::of(sql::mysql::classify(sql, {}));
}

TEST(mysql_tracking, starts_from_what_the_server_said) {
  auto s = started("ANSI_QUOTES,STRICT_TRANS_TABLES");
  EXPECT_EQ(s.database(), "shop");
  EXPECT_TRUE(s.lex().ansi_quotes);
  EXPECT_FALSE(s.lex().no_backslash_escapes);
  mysql_session_state oracle;
  EXPECT_FALSE(oracle.start("shop", "ORACLE", "utf8mb4", true, {}));
  mysql_session_state latin1;
  EXPECT_FALSE(latin1.start("shop", "", "latin1", true, {}));
}

TEST(mysql_tracking, predictions_of_statements) {
  EXPECT_TRUE(predicted("USE other").database);
  EXPECT_TRUE(predicted("SELECT 1; SET sql_mode = 'ANSI_QUOTES'").sql_mode);
  EXPECT_TRUE(predicted("SET NAMES utf8mb4").charset);
  auto none = predicted("SELECT * FROM orders");
  EXPECT_FALSE(none.database || none.sql_mode || none.charset);
}

TEST(mysql_tracking, a_use_the_classifier_saw_moves_the_database) {
  auto s = started();
  ASSERT_TRUE(s.on_reported(schema("other"), predicted("USE other"), true));
  EXPECT_EQ(s.database(), "other");
}

TEST(mysql_tracking, a_change_of_database_nobody_predicted_ends_the_session) {
  auto s = started();
  auto r = s.on_reported(schema("other"), predicted("SELECT 1"), true);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("database"), std::string::npos);
}

TEST(mysql_tracking, sql_mode_follows_the_server) {
  auto s = started();
  ASSERT_TRUE(s.on_reported(variable("sql_mode", "NO_BACKSLASH_ESCAPES"), predicted("SET sql_mode='NO_BACKSLASH_ESCAPES'"),
                            true));
  EXPECT_TRUE(s.lex().no_backslash_escapes);
  EXPECT_TRUE(s.on_status(mysql::status::no_backslash_escapes));
  EXPECT_FALSE(s.on_status(0));
  // A report of the value it already has is no change.
  EXPECT_TRUE(s.on_reported(variable("sql_mode", "NO_BACKSLASH_ESCAPES"), {}, true));
}

TEST(mysql_tracking, sql_modes_that_cannot_be_lexed_or_were_not_predicted_end_the_session) {
  auto s = started();
  EXPECT_FALSE(s.on_reported(variable("sql_mode", "ANSI_QUOTES"), predicted("SELECT 1"), true));
  auto t = started();
  EXPECT_FALSE(t.on_reported(variable("sql_mode", "ORACLE"), predicted("SET sql_mode = 'ORACLE'"), true));
  auto u = started();
  EXPECT_FALSE(u.on_status(mysql::status::no_backslash_escapes)) << "the flag disagrees with the tracked mode";
}

TEST(mysql_tracking, character_sets_the_classifier_cannot_lex_end_the_session) {
  auto s = started();
  EXPECT_FALSE(s.on_reported(variable("character_set_client", "gbk"), predicted("SET NAMES gbk"), true));
  auto t = started();
  EXPECT_TRUE(t.on_reported(variable("character_set_client", "utf8mb3"), predicted("SET NAMES utf8mb3"), true));
  auto u = started();
  EXPECT_FALSE(u.on_reported(variable("character_set_client", "utf8mb3"), predicted("SELECT 1"), true));
}

TEST(mysql_tracking, the_second_wall_must_stand_for_a_read_only_principal) {
  auto s = started();
  EXPECT_TRUE(s.on_reported(variable("tx_read_only", "ON"), {}, true));
  EXPECT_FALSE(s.on_reported(variable("tx_read_only", "OFF"), {}, true));
  auto writer = started("", false);
  EXPECT_TRUE(writer.on_reported(variable("tx_read_only", "OFF"), {}, false));
  EXPECT_FALSE(writer.read_only());
}

TEST(mysql_tracking, turning_tracking_off_ends_the_session) {
  auto s = started();
  EXPECT_FALSE(s.on_reported(variable("session_track_schema", "OFF"), {}, true));
  EXPECT_FALSE(s.on_reported(variable("session_track_system_variables", ""), {}, true));
  EXPECT_FALSE(s.on_reported(variable("session_track_system_variables", "sql_mode"), {}, true));
  EXPECT_TRUE(s.on_reported(variable("session_track_system_variables", "*"), {}, true));
  mysql_tracked_names names;
  EXPECT_TRUE(s.on_reported(variable("session_track_system_variables", names.track_list() + ",autocommit"), {}, true));
}

TEST(mysql_tracking, unreadable_state_ends_the_session) {
  auto s = started();
  EXPECT_FALSE(s.on_reported(std::string("\x00\x05\x01", 3), {}, true));
}

}  // namespace
}  // namespace gh::gateway
