// statement_shape against PostgreSQL's own lexer (libpg_query's scanner):
// wherever the shape lexer answers, the token stream of the shape must be
// the statement's own with exactly its constants turned into parameters.
// A shape that moved a token boundary could let a cached classification
// serve a statement of different meaning, so this runs over every golden
// case, the corpus, and generated tricky inputs.
#include "sql/pg/shape.hpp"

#include <gtest/gtest.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <random>
#include <string>
#include <vector>

#include "test_files.hpp"

namespace gh::sql::pg {
namespace {

struct token {
  int kind;
  std::string text;
};

// Tokens as the server's lexer sees them; false when it rejects the text.
bool scan(const std::string& sql, std::vector<token>& out) {
  PgQueryScanResult r = pg_query_scan(sql.c_str());
  bool ok = r.error == nullptr;
  if (ok) {
    PgQuery__ScanResult* sr =
        pg_query__scan_result__unpack(nullptr, r.pbuf.len, reinterpret_cast<const std::uint8_t*>(r.pbuf.data));
    for (std::size_t i = 0; i < sr->n_tokens; ++i)
      out.push_back({sr->tokens[i]->token, sql.substr(sr->tokens[i]->start, sr->tokens[i]->end - sr->tokens[i]->start)});
    pg_query__scan_result__free_unpacked(sr, nullptr);
  }
  pg_query_free_scan_result(r);
  return ok;
}

bool is_constant(int kind) {
  return kind == PG_QUERY__TOKEN__SCONST || kind == PG_QUERY__TOKEN__ICONST || kind == PG_QUERY__TOKEN__FCONST;
}

// Checks one statement; returns whether it had a shape.
bool check(const std::string& sql) {
  auto shape = statement_shape(sql);
  if (!shape) return false;
  std::vector<token> a, b;
  EXPECT_TRUE(scan(sql, a)) << sql;
  EXPECT_TRUE(scan(*shape, b)) << *shape;
  EXPECT_EQ(a.size(), b.size()) << sql << "\n  shape: " << *shape;
  if (a.size() != b.size()) return true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (is_constant(a[i].kind) && b[i].kind == PG_QUERY__TOKEN__PARAM) {
      continue;  // a constant became a parameter; one left as it is must match below
    } else {
      EXPECT_EQ(a[i].kind, b[i].kind) << sql << "\n  token " << i << " " << a[i].text << " vs " << b[i].text;
      EXPECT_EQ(a[i].text, b[i].text) << sql << "\n  token " << i;
    }
  }
  return true;
}

TEST(statement_shape, replaces_constants_only) {
  EXPECT_EQ(statement_shape("SELECT abalance FROM pgbench_accounts WHERE aid = 12345;"),
            "SELECT abalance FROM pgbench_accounts WHERE aid = $9001;");
  EXPECT_EQ(statement_shape("SELECT * FROM t1 WHERE name = 'O''Brien' AND x > 1.5 -- it's\n"),
            "SELECT * FROM t1 WHERE name = $9001 AND x > $9002 -- it's\n");
  EXPECT_EQ(statement_shape("SELECT \"a'b\", $1 FROM s.t2 WHERE v = -7"), "SELECT \"a'b\", $1 FROM s.t2 WHERE v = -$9001");
  EXPECT_FALSE(statement_shape("SELECT a FROM t WHERE a = b"));  // nothing to replace
}

TEST(statement_shape, gives_up_where_it_cannot_be_sure) {
  for (const char* sql : {
           "SELECT E'\\''",              // backslash escapes
           "SELECT 'a\\' , 'b'",          // a backslash anywhere
           "SELECT $$x$$, 1",             // dollar quoting
           "SELECT $q$x$q$, 1",
           "SELECT /* 1 */ 2",            // block comments nest
           "SELECT B'101', 1",            // prefixed strings
           "SELECT X'1F', 1",
           "SELECT N'x', 1",
           "SELECT U&'x', 1",
           "SELECT 'a'\n'b'",             // continued string constant
           "SELECT 1e5",                  // exponents
           "SELECT 123abc",               // glued
           "SELECT 1..2",
           "SELECT 'unterminated",
           "SELECT 'caf\xc3\xa9', 1",      // non-ASCII
           "SELECT 1 -- comment\r\n",
       }) {
    EXPECT_FALSE(statement_shape(sql)) << sql;
  }
}

TEST(statement_shape, agrees_with_the_server_lexer_on_every_golden_case) {
  int shaped = 0, total = 0;
  const std::string path = std::string(GH_TEST_DATA_DIR) + "/pg_cases.test";
  for (const auto& line : test::lines_of(test::read_file(path))) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string sql = line.substr(tab + 1);
    for (std::size_t p; (p = sql.find("\\n")) != std::string::npos;) sql.replace(p, 2, "\n");
    ++total;
    shaped += check(sql);
  }
  EXPECT_GT(total, 200);
  EXPECT_GT(shaped, 50);
}

TEST(statement_shape, agrees_with_the_server_lexer_on_generated_inputs) {
  // Every combination of a few pieces that stress token boundaries.
  const std::vector<std::string> pieces = {
      "SELECT", " ", "1", "1.5", ".5", "'x'", "''''", "'a''b'", "\"q\"", "\"q\"\"\"", "--c\n", "-", "+", "::",
      "int", "t1", "$1", "(", ")", ",", ";", "a.b", "\n", "e", "'", "\"", "2.", "x2", "_y", ">=", "<>", "U&", "&", "E", "$", "/", "*"};
  int shaped = 0;
  for (const auto& a : pieces)
    for (const auto& b : pieces)
      for (const auto& c : pieces) {
        std::string sql = "SELECT " + a + b + c;
        std::vector<token> ignored;
        if (!scan(sql, ignored)) {
          continue;  // the server would reject it anyway
        }
        shaped += check(sql);
      }
  EXPECT_GT(shaped, 1000);
}

TEST(statement_shape, agrees_with_the_server_lexer_on_random_sequences) {
  const std::vector<std::string> pieces = {
      " ", "1", "42", "1.5", ".5", "'x'", "''''", "'a''b'", "'--'", "'/*'", "\"q\"", "\"'\"", "--c'\n", "-",
      "::", "int", "t1", "$1", "(", ")", ",", ";", "a.b", "\n", "'", "\"", "2.", "x2", "$", "&", "U&", "*", "/",
      "E", "e'", "'\\'", "\\", "\t", "=", "<", ">"};
  std::mt19937 rng(20261124);  // fixed: the test is deterministic
  int shaped = 0;
  for (int round = 0; round < 60000; ++round) {
    std::string sql = "SELECT ";
    int len = 2 + static_cast<int>(rng() % 7);
    for (int i = 0; i < len; ++i) sql += pieces[rng() % pieces.size()];
    std::vector<token> ignored;
    if (!scan(sql, ignored)) continue;
    shaped += check(sql);
  }
  EXPECT_GT(shaped, 5000);
}

}  // namespace
}  // namespace gh::sql::pg
