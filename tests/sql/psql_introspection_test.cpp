// psql's backslash commands (\d, \dt, \df, \l ...) must keep working for a
// read-only principal: every catalog query psql 15 sends for them, captured
// with psql -E (tools/capture_psql_queries.py), classifies exactly read.
#include <gtest/gtest.h>

#include "test_files.hpp"

namespace gh::sql::test {
namespace {

struct captured {
  std::string command;
  std::string sql;
};

std::vector<captured> captured_queries() {
  std::vector<captured> out;
  captured current;
  for (const auto& line : lines_of(read_file(std::string(GH_TEST_DATA_DIR) + "/psql_introspection.sql"))) {
    if (line.rfind("-- command: ", 0) == 0) {
      current = {line.substr(12), ""};
    } else if (line == ";;") {
      out.push_back(current);
      current.sql.clear();
    } else if (!current.command.empty()) {
      current.sql += line + "\n";
    }
  }
  return out;
}

TEST(psql_introspection, every_captured_query_is_a_read) {
  const auto queries = captured_queries();
  ASSERT_GE(queries.size(), 80u);
  for (const auto& q : queries) {
    const auto c = classify(q.sql);
    EXPECT_EQ(c.cls, statement_class::read) << q.command << "\n" << q.sql << "\n  got " << explain(c);
  }
}

// Queries drivers send on their own (type lookups, metadata), written after
// what psycopg, pgjdbc and SQLAlchemy send.
TEST(psql_introspection, driver_metadata_queries_are_reads) {
  for (const char* sql : {
           "SELECT t.oid, typarray, typname FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid "
           "WHERE t.oid = $1::regtype",
           "SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME, "
           "CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema' WHEN true THEN 'SYSTEM TABLE' "
           "ELSE 'TABLE' END AS TABLE_TYPE, d.description AS REMARKS FROM pg_catalog.pg_namespace n, "
           "pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND "
           "d.objsubid = 0 AND d.classoid = 'pg_class'::regclass) WHERE c.relnamespace = n.oid "
           "AND c.relname LIKE 'orders' ORDER BY TABLE_TYPE, TABLE_SCHEM, TABLE_NAME",
           "SELECT pg_catalog.pg_class.relname FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace "
           "ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace WHERE "
           "pg_catalog.pg_class.relname = $1 AND pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p']) "
           "AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND "
           "pg_catalog.pg_namespace.nspname != 'pg_catalog'",
           "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
           "(SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d "
           "WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef) AS DEFAULT, "
           "a.attnotnull, a.attrelid AS table_oid, pgd.description AS comment, a.attgenerated AS "
           "generated FROM pg_catalog.pg_attribute AS a LEFT JOIN pg_catalog.pg_description AS pgd "
           "ON a.attrelid = pgd.objoid AND a.attnum = pgd.objsubid WHERE a.attrelid = 16384 AND "
           "a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
           "SELECT current_schema(), current_schemas(true), pg_catalog.version()",
           "SHOW TRANSACTION ISOLATION LEVEL",
           "select current_schema()",
           "SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid "
           "FROM pg_catalog.pg_type LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r from "
           "pg_namespace as ns join ( select s.r, (current_schemas(false))[s.r] as nspname from "
           "generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r using ( nspname ) "
           ") as sp ON sp.nspoid = typnamespace WHERE typname = $1 ORDER BY sp.r, pg_type.oid DESC",
       }) {
    const auto c = classify(sql);
    EXPECT_EQ(c.cls, statement_class::read) << sql << "\n  got " << explain(c);
  }
}

}  // namespace
}  // namespace gh::sql::test
