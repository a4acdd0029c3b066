// What a classification carries besides its class: tables (with CTE scoping),
// functions, prepared-statement names, settings, options, limits.
#include <gtest/gtest.h>

#include "test_files.hpp"

namespace gh::sql::test {
namespace {

std::vector<std::string> tables_of(std::string_view sql) {
  std::vector<std::string> out;
  for (const auto& t : classify(sql).tables()) out.push_back(t.qualified());
  return out;
}

using strings = std::vector<std::string>;

TEST(pg_tables, from_joins_subqueries_with_schema_when_written) {
  EXPECT_EQ(tables_of("SELECT * FROM public.orders o JOIN customers c ON c.id = o.cid"),
            (strings{"public.orders", "customers"}));
  EXPECT_EQ(tables_of("SELECT * FROM a WHERE id IN (SELECT id FROM s.b) AND EXISTS (SELECT 1 FROM c)"),
            (strings{"a", "s.b", "c"}));
  EXPECT_EQ(tables_of("SELECT * FROM app.public.orders"), (strings{"public.orders"}));
  EXPECT_EQ(tables_of("SELECT * FROM \"Orders\", ORDERS"), (strings{"Orders", "orders"}));
  EXPECT_EQ(tables_of("TABLE x"), (strings{"x"}));
  EXPECT_EQ(tables_of("SELECT 1 FROM a UNION SELECT 1 FROM b"), (strings{"a", "b"}));
}

TEST(pg_tables, cte_names_are_not_tables_within_their_scope_only) {
  EXPECT_EQ(tables_of("WITH t AS (SELECT * FROM orders) SELECT * FROM t"), (strings{"orders"}));
  // A CTE in a subquery does not hide the table of the same name outside it.
  EXPECT_EQ(tables_of("SELECT * FROM secret, (WITH secret AS (SELECT 1) SELECT * FROM secret) x"),
            (strings{"secret"}));
  // Without RECURSIVE, a CTE sees only the CTEs before it.
  EXPECT_EQ(tables_of("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a"),
            (strings{"b"}));
  EXPECT_EQ(tables_of("WITH a AS (SELECT * FROM a) SELECT * FROM a"), (strings{"a"}));
  EXPECT_EQ(tables_of("WITH RECURSIVE r AS (SELECT 1 UNION SELECT * FROM r) SELECT * FROM r"),
            (strings{}));
  EXPECT_EQ(tables_of("WITH t AS (SELECT 1) SELECT * FROM public.t"), (strings{"public.t"}));
  // Targets are tables even when a CTE has their name.
  EXPECT_EQ(tables_of("WITH t AS (SELECT 1) DELETE FROM t"), (strings{"t"}));
  EXPECT_EQ(tables_of("WITH x AS (SELECT 1) SELECT * INTO x FROM x"), (strings{"x"}));
  EXPECT_EQ(tables_of("WITH s AS (SELECT 1 AS id) UPDATE t SET a = 1 FROM s WHERE t.id = s.id"),
            (strings{"t"}));
}

TEST(pg_tables, statements_of_every_kind) {
  EXPECT_EQ(tables_of("INSERT INTO a SELECT * FROM b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("UPDATE a SET x = 1 FROM b WHERE a.id = b.id"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("DELETE FROM a USING b WHERE a.id = b.id"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("MERGE INTO a USING b ON a.id = b.id WHEN MATCHED THEN DELETE"),
            (strings{"a", "b"}));
  EXPECT_EQ(tables_of("COPY s.a TO STDOUT"), (strings{"s.a"}));
  EXPECT_EQ(tables_of("COPY (SELECT * FROM a) TO STDOUT"), (strings{"a"}));
  EXPECT_EQ(tables_of("LOCK TABLE a, s.b"), (strings{"a", "s.b"}));
  EXPECT_EQ(tables_of("TRUNCATE a, b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("DROP TABLE s.a, b"), (strings{"s.a", "b"}));
  EXPECT_EQ(tables_of("COMMENT ON TABLE s.a IS 'x'"), (strings{"s.a"}));
  EXPECT_EQ(tables_of("ALTER TABLE a ADD COLUMN x int"), (strings{"a"}));
  EXPECT_EQ(tables_of("CREATE INDEX i ON a (x)"), (strings{"a"}));
  EXPECT_EQ(tables_of("CREATE VIEW v AS SELECT * FROM a"), (strings{"v", "a"}));
  EXPECT_EQ(tables_of("CREATE TABLE t AS SELECT * FROM a"), (strings{"t", "a"}));
  EXPECT_EQ(tables_of("VACUUM a, b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("GRANT SELECT ON a TO bob"), (strings{"a"}));
  EXPECT_EQ(tables_of("EXPLAIN ANALYZE DELETE FROM a"), (strings{"a"}));
  EXPECT_EQ(tables_of("PREPARE p AS SELECT * FROM a"), (strings{"a"}));
  EXPECT_EQ(tables_of("DECLARE c CURSOR FOR SELECT * FROM a"), (strings{"a"}));
  EXPECT_EQ(tables_of("SELECT * FROM a; DELETE FROM b; SELECT * FROM a"), (strings{"a", "b"}));
}

// Reaching pg_stat_activity or pg_locks through the functions behind them
// reads them all the same: a table-limited rule must not see "no table".
TEST(pg_tables, the_functions_behind_session_views_read_those_views) {
  const strings activity{"pg_catalog.pg_stat_activity"};
  EXPECT_EQ(tables_of("SELECT query FROM pg_stat_get_activity(NULL)"), activity);
  EXPECT_EQ(tables_of("SELECT * FROM pg_catalog.pg_stat_get_activity(NULL::int)"), activity);
  EXPECT_EQ(tables_of("SELECT pg_stat_get_backend_activity(s) FROM pg_stat_get_backend_idset() s"), activity);
  EXPECT_EQ(tables_of("SELECT 1 WHERE EXISTS (SELECT pg_stat_get_backend_pid(1))"), activity);
  const strings locks{"pg_catalog.pg_locks"};
  EXPECT_EQ(tables_of("SELECT * FROM pg_lock_status()"), locks);
  EXPECT_EQ(tables_of("SELECT pg_blocking_pids(42)"), locks);
  EXPECT_EQ(tables_of("SELECT query FROM pg_stat_statements(true)"), (strings{"pg_stat_statements"}));
  EXPECT_EQ(tables_of("SELECT * FROM ext.pg_stat_statements_info()"), (strings{"ext.pg_stat_statements_info"}));
  // A function of that name in another schema is the user's own: its tables are its own.
  EXPECT_EQ(tables_of("SELECT app.pg_stat_get_activity(1)"), strings{});
}

TEST(pg_tables, lock_clauses_name_aliases_not_tables) {
  EXPECT_EQ(tables_of("SELECT * FROM orders o FOR UPDATE OF o"), (strings{"orders"}));
}

TEST(pg_functions, listed_lower_case_and_qualified_as_written) {
  const auto c = classify("SELECT pg_catalog.NOW(), lower('x'), \"Weird\"(1) FROM generate_series(1, 2)");
  ASSERT_EQ(c.statements.size(), 1u);
  EXPECT_EQ(c.statements[0].functions,
            (strings{"pg_catalog.now", "lower", "weird", "generate_series"}));
  EXPECT_EQ(c.cls, statement_class::write);  // "Weird" is nobody's built-in
  EXPECT_NE(c.reason.find("Weird"), std::string::npos) << c.reason;
}

TEST(pg_functions, read_functions_declare_user_functions_read) {
  pg::classify_options o;
  o.read_functions = {"app.safe", "report", "<%", "app.proc", "public.lower", "nextval"};
  EXPECT_EQ(pg::classify("SELECT app.safe(1)", o).cls, statement_class::read);
  EXPECT_EQ(pg::classify("SELECT report()", o).cls, statement_class::read);
  EXPECT_EQ(pg::classify("SELECT safe()", o).cls, statement_class::write);  // not the same name
  EXPECT_EQ(pg::classify("SELECT other.report()", o).cls, statement_class::write);
  EXPECT_EQ(pg::classify("SELECT 'a' <% 'b'", o).cls, statement_class::read);
  EXPECT_EQ(pg::classify("CALL app.proc()", o).cls, statement_class::read);
  EXPECT_EQ(pg::classify("SELECT public.lower('x')", o).cls, statement_class::read);
  // A declaration never makes a built-in that is not a read into one.
  EXPECT_EQ(pg::classify("SELECT nextval('s')", o).cls, statement_class::write);
  EXPECT_EQ(pg::classify("SELECT app.safe(pg_read_file('x'))", o).cls, statement_class::admin);
}

TEST(pg_prepared, prepare_records_name_and_class) {
  const auto c = classify("PREPARE p (int) AS UPDATE orders SET total = $1");
  ASSERT_EQ(c.statements.size(), 1u);
  EXPECT_EQ(c.statements[0].kind, "prepare");
  EXPECT_EQ(c.statements[0].prepared_name, "p");
  EXPECT_EQ(c.statements[0].cls, statement_class::write);
  EXPECT_EQ(c.statements[0].tables, (std::vector<table_name>{{"", "orders"}}));
}

TEST(pg_prepared, execute_is_unknown_with_the_name_and_the_floor_of_its_arguments) {
  auto c = classify("EXECUTE p(1)");
  ASSERT_EQ(c.statements.size(), 1u);
  EXPECT_EQ(c.statements[0].kind, "execute");
  EXPECT_EQ(c.statements[0].prepared_name, "p");
  EXPECT_EQ(c.cls, statement_class::unknown);
  EXPECT_EQ(c.statements[0].reason, "executes prepared statement p");
  EXPECT_EQ(c.statements[0].execute_floor, statement_class::read);

  c = classify("EXECUTE p(nextval('s'), pg_read_file('x'))");
  EXPECT_EQ(c.statements[0].execute_floor, statement_class::admin);

  // Not the EXECUTE contract: substituting p's class would lose the ddl.
  c = classify("CREATE TABLE t AS EXECUTE p");
  EXPECT_EQ(c.statements[0].kind, "create_table_as");
  EXPECT_EQ(c.cls, statement_class::unknown);

  c = classify("EXPLAIN ANALYZE EXECUTE q");
  EXPECT_EQ(c.statements[0].kind, "execute");
  EXPECT_EQ(c.statements[0].prepared_name, "q");
  EXPECT_EQ(c.statements[0].execute_floor, statement_class::read);
}

TEST(pg_prepared, deallocate) {
  auto c = classify("DEALLOCATE p");
  EXPECT_EQ(c.cls, statement_class::read);
  EXPECT_EQ(c.statements[0].kind, "deallocate");
  EXPECT_EQ(c.statements[0].prepared_name, "p");
  c = classify("DEALLOCATE ALL");
  EXPECT_EQ(c.statements[0].prepared_name, "");
}

TEST(pg_settings_changes, set_reset_and_set_config_are_reported_for_sessions) {
  auto c = classify("SET search_path = 'a, b', c");
  ASSERT_EQ(c.statements[0].settings.size(), 1u);
  EXPECT_EQ(c.statements[0].settings[0],
            (setting_change{"search_path", std::string("\"a, b\", \"c\""), false}));

  c = classify("SET LOCAL search_path TO \"$user\", public");
  EXPECT_EQ(c.statements[0].settings[0],
            (setting_change{"search_path", std::string("\"$user\", \"public\""), true}));

  c = classify("RESET search_path");
  EXPECT_EQ(c.statements[0].settings[0], (setting_change{"search_path", std::nullopt, false}));

  c = classify("SET statement_timeout = 5000");
  EXPECT_EQ(c.statements[0].settings[0],
            (setting_change{"statement_timeout", std::string("5000"), false}));

  c = classify("SELECT set_config('search_path', 'x, y', true)");
  ASSERT_EQ(c.statements[0].settings.size(), 1u);
  EXPECT_EQ(c.statements[0].settings[0], (setting_change{"search_path", std::string("x, y"), true}));
  EXPECT_EQ(c.cls, statement_class::read);

  // Not run now: nothing to report (EXPLAIN) or nothing the session could track.
  c = classify("EXPLAIN SELECT set_config('statement_timeout', '1s', false)");
  EXPECT_TRUE(c.statements[0].settings.empty());
  c = classify("PREPARE p AS SELECT set_config('search_path', 'x', false)");
  EXPECT_TRUE(c.statements[0].settings.empty());
  EXPECT_EQ(c.cls, statement_class::admin);
}

TEST(pg_limits, too_long_nul_and_invalid_are_unknown_with_a_reason) {
  pg::classify_options o;
  o.max_statement_bytes = 16;
  auto c = pg::classify("SELECT 1234567890123", o);
  EXPECT_EQ(c.cls, statement_class::unknown);
  EXPECT_NE(c.reason.find("over the limit"), std::string::npos) << c.reason;

  c = classify(std::string_view("SELECT 1\0; DELETE FROM t", 25));
  EXPECT_EQ(c.cls, statement_class::unknown);
  EXPECT_NE(c.reason.find("NUL"), std::string::npos) << c.reason;

  c = classify("SELEC 1");
  EXPECT_EQ(c.cls, statement_class::unknown);
  EXPECT_NE(c.reason.find("syntax error"), std::string::npos) << c.reason;
  EXPECT_EQ(c.statements.at(0).kind, "invalid");
}

TEST(pg_multi, every_statement_is_listed_and_the_strictest_gives_the_reason) {
  const auto c = classify("SELECT 1; DELETE FROM t; SELECT 2");
  ASSERT_EQ(c.statements.size(), 3u);
  EXPECT_EQ(c.statements[0].cls, statement_class::read);
  EXPECT_EQ(c.statements[1].cls, statement_class::write);
  EXPECT_EQ(c.cls, statement_class::write);
  EXPECT_EQ(c.reason, c.statements[1].reason);
}

TEST(pg_empty, empty_text_is_an_empty_query) {
  const auto c = classify("  -- nothing\n");
  EXPECT_EQ(c.cls, statement_class::read);
  EXPECT_TRUE(c.statements.empty());
}

}  // namespace
}  // namespace gh::sql::test
