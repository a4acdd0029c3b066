#include <gtest/gtest.h>

#include "sql/pg/settings.hpp"

namespace gh::sql::pg {
namespace {

TEST(pg_settings, parse_bool_follows_postgresql) {
  for (const char* t : {"on", "ON", "true", "t", "tr", "yes", "y", "1", "TRUE"})
    EXPECT_EQ(parse_pg_bool(t), true) << t;
  for (const char* f : {"off", "of", "false", "f", "no", "n", "0", "OFF"})
    EXPECT_EQ(parse_pg_bool(f), false) << f;
  for (const char* x : {"", "o", "2", "onn", "truee", " on", "yes please"})
    EXPECT_EQ(parse_pg_bool(x), std::nullopt) << x;
}

TEST(pg_settings, rights_and_read_only_state_are_admin) {
  for (const char* name : {"role", "ROLE", "session_authorization", "row_security",
                           "session_replication_role", "log_statement", "log_min_messages",
                           "standard_conforming_strings", "local_preload_libraries",
                           "app.tenant", "no_such_setting", "lc_messages", "track_activities"})
    EXPECT_EQ(classify_setting(name, "x").cls, statement_class::admin) << name;
}

TEST(pg_settings, read_only_state_may_only_be_turned_on) {
  for (const char* name : {"default_transaction_read_only", "transaction_read_only"}) {
    EXPECT_EQ(classify_setting(name, "on").cls, statement_class::read);
    EXPECT_EQ(classify_setting(name, "1").cls, statement_class::read);
    EXPECT_EQ(classify_setting(name, "off").cls, statement_class::admin);
    EXPECT_EQ(classify_setting(name, "maybe").cls, statement_class::admin);
    EXPECT_EQ(classify_setting(name, std::nullopt).cls, statement_class::admin);
  }
}

TEST(pg_settings, client_encoding_must_be_ascii_safe) {
  for (const char* e : {"UTF8", "utf-8", "Unicode", "SQL_ASCII", "LATIN1", "ISO-8859-15",
                        "WIN1252", "EUC_JP", "KOI8R"})
    EXPECT_EQ(classify_setting("client_encoding", e).cls, statement_class::read) << e;
  for (const char* e : {"SJIS", "Shift_JIS", "BIG5", "GBK", "UHC", "GB18030", "JOHAB", "WIN932",
                        "mskanji"})
    EXPECT_EQ(classify_setting("client_encoding", e).cls, statement_class::admin) << e;
  EXPECT_EQ(classify_setting("client_encoding", std::nullopt).cls, statement_class::admin);
}

TEST(pg_settings, harmless_settings_and_search_path_are_reads) {
  for (const char* name : {"statement_timeout", "application_name", "DateStyle", "TimeZone",
                           "extra_float_digits", "work_mem", "search_path", "lock_timeout"})
    EXPECT_EQ(classify_setting(name, "x").cls, statement_class::read) << name;
}

}  // namespace
}  // namespace gh::sql::pg
