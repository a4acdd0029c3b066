#include <gtest/gtest.h>

#include "sql/pg/function_catalogue.hpp"

namespace gh::sql::pg {
namespace {

statement_class class_of(std::string_view name) {
  const auto f = find_builtin_function(name);
  EXPECT_TRUE(f.has_value()) << name;
  return f ? f->cls : statement_class::unknown;
}

TEST(function_catalogue, common_built_ins_are_reads) {
  for (const char* n : {"now", "count", "sum", "lower", "btrim", "jsonb_build_object",
                        "to_jsonb", "format_type", "pg_get_userbyid", "pg_table_is_visible",
                        "pg_get_expr", "pg_get_indexdef", "obj_description", "array_to_string",
                        "pg_get_constraintdef", "current_setting", "generate_series", "abs",
                        "information_schema._pg_expandarray", "random", "pg_sleep", "currval"})
    EXPECT_EQ(class_of(n), statement_class::read) << n;
}

TEST(function_catalogue, writes) {
  for (const char* n : {"nextval", "setval", "lo_create", "lo_unlink", "lo_put", "lo_get",
                        "pg_advisory_lock", "pg_try_advisory_xact_lock", "pg_notify",
                        "txid_current", "pg_current_xact_id", "brin_summarize_range"})
    EXPECT_EQ(class_of(n), statement_class::write) << n;
}

TEST(function_catalogue, admin) {
  for (const char* n : {"pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file",
                        "lo_import", "lo_export", "pg_terminate_backend", "pg_cancel_backend",
                        "pg_reload_conf", "pg_rotate_logfile", "set_config", "query_to_xml",
                        "query_to_xml_and_xmlschema", "table_to_xml", "cursor_to_xml",
                        "database_to_xml", "ts_stat", "ts_rewrite", "pg_logical_emit_message",
                        "pg_create_physical_replication_slot", "pg_create_logical_replication_slot",
                        "pg_switch_wal", "pg_promote", "pg_stat_reset", "pg_backup_start"})
    EXPECT_EQ(class_of(n), statement_class::admin) << n;
}

TEST(function_catalogue, contrib_functions_match_in_any_schema) {
  for (const char* n : {"dblink", "dblink_exec", "dblink_connect_u", "pg_file_write"}) {
    const auto f = find_builtin_function(n);
    ASSERT_TRUE(f) << n;
    EXPECT_EQ(f->cls, statement_class::admin) << n;
    EXPECT_TRUE(f->any_schema) << n;
  }
  EXPECT_FALSE(find_builtin_function("now")->any_schema);
}

TEST(function_catalogue, unknown_names_are_absent) {
  EXPECT_FALSE(find_builtin_function("my_function"));
  EXPECT_FALSE(find_builtin_function("NOW"));  // callers lower-case first
  EXPECT_FALSE(find_builtin_function(""));
}

TEST(function_catalogue, built_in_operators) {
  for (const char* op : {"=", "<>", "+", "||", "->>", "@>", "~~*", "&&", "@@", "<->"})
    EXPECT_TRUE(is_builtin_operator(op)) << op;
  for (const char* op : {"===", "<%", "!=", "", "+++"}) EXPECT_FALSE(is_builtin_operator(op)) << op;
}

}  // namespace
}  // namespace gh::sql::pg
