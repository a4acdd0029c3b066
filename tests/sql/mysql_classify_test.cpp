// What a MySQL classification carries besides its class: tables (schema when
// written, quotes removed, case kept, CTE scope, DELETE aliases), functions,
// what the session tracks (database, sql_mode, character set, prepared
// statements), options and limits.
#include <gtest/gtest.h>

#include "mysql_test_files.hpp"
#include "sql/mysql/function_catalogue.hpp"

namespace gh::sql::mysql::test {
namespace {

using strings = std::vector<std::string>;

strings tables_of(std::string_view sql) {
  strings out;
  for (const auto& t : classify_mysql(sql).tables()) out.push_back(t.qualified());
  return out;
}

TEST(mysql_tables, from_joins_and_subqueries_with_the_database_when_written) {
  EXPECT_EQ(tables_of("SELECT * FROM shop.orders o JOIN customers c ON c.id = o.cid"),
            (strings{"shop.orders", "customers"}));
  EXPECT_EQ(tables_of("SELECT * FROM a WHERE id IN (SELECT id FROM s.b) AND EXISTS (SELECT 1 FROM c)"),
            (strings{"a", "s.b", "c"}));
  EXPECT_EQ(tables_of("SELECT * FROM a, b x, (c, d) LEFT JOIN e USING (id) STRAIGHT_JOIN f"),
            (strings{"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(tables_of("SELECT * FROM a JOIN b JOIN c ON c.x = b.x ON b.y = a.y"),
            (strings{"a", "b", "c"}));
  EXPECT_EQ(tables_of("SELECT 1 FROM a UNION SELECT 1 FROM b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("SELECT * FROM (SELECT * FROM inner_t) AS d (x, y)"), (strings{"inner_t"}));
  EXPECT_EQ(tables_of("SELECT * FROM a FORCE INDEX (i), b USE KEY FOR ORDER BY (j) WHERE 1"),
            (strings{"a", "b"}));
  EXPECT_EQ(tables_of("SELECT 1"), (strings{}));
  EXPECT_EQ(tables_of("SELECT 1 FROM DUAL"), (strings{}));
}

// A table list that stops on a word it does not expect (an alias the
// classifier took for a keyword) is unknown: the tables after that word
// would otherwise go unreported.
TEST(mysql_tables, a_table_list_that_stops_early_is_unknown) {
  for (const char* alias : {"rank", "system", "lateral", "of", "empty", "cube", "json_table",
                            "database", "schema", "function", "get", "select"}) {
    const std::string sql = std::string("SELECT value FROM orders ") + alias + ", secrets";
    EXPECT_EQ(classify_mysql(sql).cls, statement_class::unknown) << sql;
  }
  EXPECT_EQ(classify_mysql("SELECT * FROM orders o secrets").cls, statement_class::unknown);
  // VALUE is no keyword there: an alias, and the list goes on.
  EXPECT_EQ(tables_of("SELECT value FROM orders value, secrets"), (strings{"orders", "secrets"}));
  EXPECT_EQ(classify_mysql("DELETE FROM orders rank, secrets WHERE 1").cls, statement_class::unknown);
  EXPECT_EQ(classify_mysql("UPDATE orders rank, secrets SET note = 1").cls, statement_class::unknown);
}

TEST(mysql_tables, a_join_condition_ends_only_where_a_table_list_can_go_on) {
  const std::string sql = "SELECT s.value FROM orders o JOIN orders AS value ON value.id = o.id, secrets s";
  EXPECT_EQ(classify_mysql(sql).cls, statement_class::read);
  EXPECT_EQ(tables_of(sql), (strings{"orders", "secrets"}));
  EXPECT_EQ(tables_of("SELECT 1 FROM a JOIN b ON b.x = a.x AND b.y IN (SELECT y FROM c) LEFT JOIN d "
                      "ON d.id = b.id WHERE 1"),
            (strings{"a", "b", "c", "d"}));
  EXPECT_EQ(tables_of("SELECT 1 FROM a JOIN b ON a.x = value, secrets"), (strings{"a", "b", "secrets"}));
  EXPECT_EQ(tables_of("SELECT 1 FROM a JOIN b ON a.x = value.y, c"), (strings{"a", "b", "c"}));
  EXPECT_EQ(classify_mysql("SELECT 1 FROM a JOIN b ON a.x = 1 USING (x), secrets").cls, statement_class::unknown);
  EXPECT_EQ(classify_mysql("UPDATE a JOIN b ON b.id = a.id SET a.x = 1").cls, statement_class::write);
  EXPECT_EQ(classify_mysql("INSERT INTO t SELECT * FROM a JOIN b ON b.id = a.id ON DUPLICATE KEY "
                           "UPDATE x = 1").cls,
            statement_class::write);
  EXPECT_EQ(classify_mysql("SELECT * FROM a JOIN b ON a.id = b.id FOR UPDATE").cls, statement_class::write);
  EXPECT_EQ(classify_mysql("CREATE VIEW v AS SELECT * FROM a WITH CASCADED CHECK OPTION").cls,
            statement_class::ddl);
}

// Every principal of a connection shares one database user: what shows other
// sessions' statements reports the catalog view a rule must name.
TEST(mysql_tables, statements_that_show_other_sessions_report_their_view) {
  const strings processlist{"information_schema.processlist"};
  EXPECT_EQ(tables_of("SHOW PROCESSLIST"), processlist);
  EXPECT_EQ(tables_of("SHOW FULL PROCESSLIST"), processlist);
  EXPECT_EQ(tables_of("SHOW EXPLAIN FOR 12"), processlist);
  EXPECT_EQ(tables_of("SHOW ANALYZE FORMAT=JSON FOR 12"), processlist);
  EXPECT_EQ(tables_of("EXPLAIN FOR CONNECTION 12"), processlist);
  EXPECT_EQ(tables_of("SHOW ENGINE INNODB STATUS"), (strings{"information_schema.innodb_trx"}));
  EXPECT_EQ(tables_of("SELECT INFO FROM information_schema.PROCESSLIST"),
            (strings{"information_schema.PROCESSLIST"}));
  EXPECT_EQ(classify_mysql("SHOW FULL PROCESSLIST").cls, statement_class::read);
  EXPECT_EQ(tables_of("SHOW TABLES"), (strings{}));
}

TEST(mysql_tables, quotes_removed_case_kept) {
  // docs/configuration.md, "MySQL table names": names compare exactly as reported.
  EXPECT_EQ(tables_of("SELECT * FROM `Shop`.`Orders`, ORDERS, `a``b`"),
            (strings{"Shop.Orders", "ORDERS", "a`b"}));
  classify_options ansi;
  ansi.sql_mode.ansi_quotes = true;
  EXPECT_EQ(classify("SELECT * FROM \"My Table\"", ansi).tables(),
            (std::vector<table_name>{{"", "My Table"}}));
}

TEST(mysql_tables, function_syntax_is_not_a_table_list) {
  EXPECT_EQ(tables_of("SELECT EXTRACT(YEAR FROM d), TRIM(LEADING 'x' FROM s), "
                      "SUBSTRING(s FROM 1 FOR 2) FROM t"),
            (strings{"t"}));
  EXPECT_EQ(tables_of("SELECT * FROM JSON_TABLE('[]', '$[*]' COLUMNS (x INT PATH '$')) j"),
            (strings{}));
}

TEST(mysql_tables, cte_names_are_not_tables_within_their_scope_only) {
  EXPECT_EQ(tables_of("WITH t AS (SELECT * FROM orders) SELECT * FROM t"), (strings{"orders"}));
  EXPECT_EQ(tables_of("SELECT * FROM secret, (WITH secret AS (SELECT 1) SELECT * FROM secret) x"),
            (strings{"secret"}));
  // Without RECURSIVE, a CTE sees only the CTEs before it (and not itself).
  EXPECT_EQ(tables_of("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a"),
            (strings{"b"}));
  EXPECT_EQ(tables_of("WITH a AS (SELECT * FROM a) SELECT * FROM a"), (strings{"a"}));
  EXPECT_EQ(tables_of("WITH RECURSIVE r AS (SELECT 1 UNION SELECT * FROM r) SELECT * FROM r"),
            (strings{}));
  EXPECT_EQ(tables_of("WITH t AS (SELECT 1) SELECT * FROM gh.t"), (strings{"gh.t"}));
  // Exact bytes: a CTE `T` does not hide the table `t` (Linux servers tell them apart).
  EXPECT_EQ(tables_of("WITH T AS (SELECT 1) SELECT * FROM t"), (strings{"t"}));
}

TEST(mysql_tables, statements_of_every_kind) {
  EXPECT_EQ(tables_of("INSERT INTO a (x) SELECT x FROM b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("REPLACE db.a VALUES (1)"), (strings{"db.a"}));
  EXPECT_EQ(tables_of("UPDATE a JOIN b ON a.id = b.id SET a.x = (SELECT 1 FROM c)"),
            (strings{"a", "b", "c"}));
  EXPECT_EQ(tables_of("DELETE FROM a WHERE id IN (SELECT id FROM b)"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("DELETE x FROM a AS x JOIN b ON b.id = x.id"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("DELETE a.*, b FROM a JOIN b ON b.id = a.id"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("DELETE FROM x USING a AS x JOIN b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("DELETE FROM secret USING a JOIN b"), (strings{"a", "b", "secret"}));
  EXPECT_EQ(tables_of("LOAD DATA INFILE 'f' INTO TABLE db.a"), (strings{"db.a"}));
  EXPECT_EQ(tables_of("LOCK TABLES a READ, b AS x WRITE"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("HANDLER a OPEN"), (strings{"a"}));
  EXPECT_EQ(tables_of("TRUNCATE TABLE db.a"), (strings{"db.a"}));
  EXPECT_EQ(tables_of("DROP TABLE IF EXISTS a, db.b"), (strings{"a", "db.b"}));
  EXPECT_EQ(tables_of("RENAME TABLE a TO b, c TO db.d"), (strings{"a", "b", "c", "db.d"}));
  EXPECT_EQ(tables_of("ALTER TABLE a RENAME TO b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("ALTER TABLE a EXCHANGE PARTITION p WITH TABLE b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("CREATE TABLE a (x INT REFERENCES b (x)) AS SELECT * FROM c"),
            (strings{"a", "b", "c"}));
  EXPECT_EQ(tables_of("CREATE TABLE a LIKE b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("CREATE VIEW v AS SELECT * FROM a JOIN b"), (strings{"v", "a", "b"}));
  EXPECT_EQ(tables_of("CREATE INDEX i ON a (x)"), (strings{"a"}));
  EXPECT_EQ(tables_of("CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW INSERT INTO b VALUES (1)"),
            (strings{"a", "b"}));
  EXPECT_EQ(tables_of("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM a"), (strings{"a"}));
  EXPECT_EQ(tables_of("SHOW CREATE TABLE db.a"), (strings{"db.a"}));
  EXPECT_EQ(tables_of("SHOW COLUMNS FROM a FROM db"), (strings{"db.a"}));
  EXPECT_EQ(tables_of("DESCRIBE a"), (strings{"a"}));
  EXPECT_EQ(tables_of("EXPLAIN DELETE FROM a"), (strings{"a"}));
  EXPECT_EQ(tables_of("SELECT NEXT VALUE FOR s1, LASTVAL(db.s2)"), (strings{"s1", "db.s2"}));
  EXPECT_EQ(tables_of("PREPARE p FROM 'SELECT * FROM a'"), (strings{"a"}));
  EXPECT_EQ(tables_of("ANALYZE TABLE a, b"), (strings{"a", "b"}));
  EXPECT_EQ(tables_of("FLUSH TABLES a, b WITH READ LOCK"), (strings{"a", "b"}));
}

TEST(mysql_tables, a_table_position_it_cannot_read_is_unknown) {
  for (const char* sql : {"SELECT * FROM 'a'", "SELECT * FROM", "SELECT * FROM a JOIN",
                          "SELECT * FROM (a b c)", "UPDATE 'a' SET x = 1", "INSERT INTO (a) VALUES (1)",
                          "SELECT * FROM a LEFT b"})
    EXPECT_EQ(classify_mysql(sql).cls, statement_class::unknown) << sql;
}

TEST(mysql_functions, calls_are_listed_lower_case_schema_as_written) {
  const auto c = classify_mysql("SELECT NOW(), Gh.MyFn(1), `concat`('a'), COUNT(*) FROM t");
  ASSERT_EQ(c.statements.size(), 1u);
  EXPECT_EQ(c.statements[0].functions, (strings{"now", "Gh.myfn", "concat", "count"}));
  EXPECT_EQ(c.cls, statement_class::write);
}

TEST(mysql_functions, read_functions_from_the_connection_are_reads) {
  classify_options o;
  o.read_functions = {"report_total", "Gh.Summary"};
  EXPECT_EQ(classify("SELECT REPORT_TOTAL(1)", o).cls, statement_class::read);
  EXPECT_EQ(classify("SELECT Gh.summary(1)", o).cls, statement_class::read);
  EXPECT_EQ(classify("SELECT gh.summary(1)", o).cls, statement_class::write);  // another database
  EXPECT_EQ(classify("CALL report_total()", o).cls, statement_class::read);
  // They cannot make a built-in that is not a read into one.
  o.read_functions = {"load_file", "get_lock"};
  EXPECT_EQ(classify("SELECT load_file('x')", o).cls, statement_class::admin);
  EXPECT_EQ(classify("SELECT get_lock('x', 1)", o).cls, statement_class::write);
}

TEST(mysql_functions, the_catalogue) {
  ASSERT_TRUE(find_builtin_function("concat"));
  EXPECT_EQ(find_builtin_function("concat")->cls, statement_class::read);
  EXPECT_EQ(find_builtin_function("load_file")->cls, statement_class::admin);
  EXPECT_EQ(find_builtin_function("get_lock")->cls, statement_class::write);
  EXPECT_TRUE(find_builtin_function("nextval")->sequence_argument);
  EXPECT_EQ(find_builtin_function("point")->min_args, 2);
  EXPECT_FALSE(find_builtin_function("CONCAT"));  // keys are lower case
  EXPECT_FALSE(find_builtin_function("regexp_like"));  // MySQL only: a stored function on MariaDB
  EXPECT_FALSE(find_builtin_function("json_table"));   // a table function, not a call
  EXPECT_TRUE(is_keyword_before_parenthesis("in"));
  EXPECT_FALSE(is_keyword_before_parenthesis("concat"));
}

const statement_info& only(const classification& c) {
  EXPECT_EQ(c.statements.size(), 1u);
  return c.statements.front();
}

TEST(mysql_session, use_reports_the_database) {
  const auto c = classify_mysql("USE `Shop`");
  EXPECT_EQ(c.cls, statement_class::read);
  EXPECT_EQ(only(c).kind, "use");
  EXPECT_EQ(only(c).settings, (std::vector<setting_change>{{"database", "Shop", false}}));
}

TEST(mysql_session, set_sql_mode_reports_the_value_and_lexes_what_follows) {
  const auto c = classify_mysql("SET SESSION sql_mode = 'ANSI_QUOTES'");
  EXPECT_EQ(only(c).kind, "set_sql_mode");
  EXPECT_EQ(only(c).settings, (std::vector<setting_change>{{"sql_mode", "ANSI_QUOTES", false}}));
  const auto d = classify_mysql("SET sql_mode = DEFAULT");
  EXPECT_EQ(d.cls, statement_class::read);
  EXPECT_EQ(only(d).settings, (std::vector<setting_change>{{"sql_mode", std::nullopt, false}}));
  // The second statement is lexed under the mode the first set.
  const auto e = classify_mysql("SET sql_mode = 'ANSI_QUOTES'; SELECT * FROM \"T\"");
  EXPECT_EQ(e.cls, statement_class::read);
  EXPECT_EQ(e.tables(), (std::vector<table_name>{{"", "T"}}));
}

TEST(mysql_session, sql_mode_values) {
  EXPECT_EQ(lex_mode_of_sql_mode(""), (lex_mode{false, false}));
  EXPECT_EQ(lex_mode_of_sql_mode("ansi"), (lex_mode{false, true}));
  EXPECT_EQ(lex_mode_of_sql_mode("STRICT_TRANS_TABLES, NO_BACKSLASH_ESCAPES"), (lex_mode{true, false}));
  EXPECT_EQ(lex_mode_of_sql_mode("POSTGRESQL,NO_BACKSLASH_ESCAPES"), (lex_mode{true, true}));
  EXPECT_EQ(lex_mode_of_sql_mode("TRADITIONAL,,"), (lex_mode{false, false}));
  EXPECT_EQ(lex_mode_of_sql_mode("ORACLE"), std::nullopt);
  EXPECT_EQ(lex_mode_of_sql_mode("MSSQL"), std::nullopt);
  EXPECT_EQ(lex_mode_of_sql_mode("4"), std::nullopt);
  EXPECT_EQ(lex_mode_of_sql_mode("NO_SUCH_MODE"), std::nullopt);
}

TEST(mysql_session, names_reports_the_client_character_set) {
  const auto c = classify_mysql("SET NAMES utf8mb4");
  EXPECT_EQ(c.cls, statement_class::read);
  EXPECT_EQ(only(c).settings, (std::vector<setting_change>{{"character_set_client", "utf8mb4", false}}));
}

TEST(mysql_session, prepared_statements) {
  const auto p = classify_mysql("PREPARE MyStmt FROM 'UPDATE t SET x = 1'");
  EXPECT_EQ(only(p).kind, "prepare");
  EXPECT_EQ(only(p).prepared_name, "mystmt");  // statement names ignore case
  EXPECT_EQ(p.cls, statement_class::write);

  const auto e = classify_mysql("EXECUTE MyStmt USING @a");
  EXPECT_EQ(only(e).kind, "execute");
  EXPECT_EQ(only(e).prepared_name, "mystmt");
  EXPECT_EQ(e.cls, statement_class::unknown);
  EXPECT_EQ(only(e).execute_floor, statement_class::read);

  const auto f = classify_mysql("EXECUTE s USING get_lock('x', 0)");  // MariaDB: expressions
  EXPECT_EQ(only(f).execute_floor, statement_class::write);

  const auto d = classify_mysql("DEALLOCATE PREPARE MyStmt");
  EXPECT_EQ(only(d).kind, "deallocate");
  EXPECT_EQ(only(d).prepared_name, "mystmt");
  EXPECT_EQ(d.cls, statement_class::read);
}

TEST(mysql_limits, size_nul_and_depth) {
  classify_options o;
  o.max_statement_bytes = 16;
  EXPECT_EQ(classify("SELECT 1 FROM orders", o).cls, statement_class::unknown);
  EXPECT_EQ(classify_mysql(std::string("SELECT '\0'", 10)).cls, statement_class::unknown);
  std::string deep = "SELECT ";
  for (int i = 0; i < 5000; ++i) deep += "(";
  deep += "1";
  for (int i = 0; i < 5000; ++i) deep += ")";
  const auto c = classify_mysql(deep);
  EXPECT_EQ(c.cls, statement_class::unknown);
  EXPECT_NE(c.reason.find("deep"), std::string::npos) << c.reason;
  std::string from = "SELECT * FROM ";
  for (int i = 0; i < 5000; ++i) from += "(";
  from += "t";
  for (int i = 0; i < 5000; ++i) from += ")";
  EXPECT_EQ(classify_mysql(from).cls, statement_class::unknown);
}

TEST(mysql_limits, empty_text_is_an_empty_read) {
  for (const char* sql : {"", " ", ";", "-- only a comment", "/* x */ ;"}) {
    const auto c = classify_mysql(sql);
    EXPECT_EQ(c.cls, statement_class::read) << sql;
    EXPECT_TRUE(c.statements.empty()) << sql;
  }
}

TEST(mysql_options, fingerprints_differ_when_classification_may) {
  classify_options a, b;
  EXPECT_EQ(options_fingerprint(a), options_fingerprint(b));
  b.sql_mode.ansi_quotes = true;
  EXPECT_NE(options_fingerprint(a), options_fingerprint(b));
  b = a;
  b.sql_mode.no_backslash_escapes = true;
  EXPECT_NE(options_fingerprint(a), options_fingerprint(b));
  b = a;
  b.read_functions = {"f"};
  EXPECT_NE(options_fingerprint(a), options_fingerprint(b));
}

}  // namespace
}  // namespace gh::sql::mysql::test
