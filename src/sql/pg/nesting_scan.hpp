// A lexical upper bound of how deep the parse tree of a statement will be,
// computed before libpg_query sees the text.
//
// Why: libpg_query's parser is a bison LALR parser whose own stack is capped
// (10000 entries, "memory exhausted"), but left-recursive rules such as
// `1+1+1...`, `x::t::t...`, `a UNION b UNION c...` or `t JOIN u JOIN v...`
// build a tree as deep as the input is long without growing that stack. The
// tree is then serialised recursively (libpg_query's _outNode), so `SELECT 1`
// followed by 30000 `+1` overflows an 8 MiB stack inside libpg_query. This
// scan refuses such input before the parser sees it.
//
// The bound: the scan walks the tokens the way PostgreSQL's scanner does
// (standard_conforming_strings on, as libpg_query has it) and keeps, per
// bracket level ((, [, CASE...END), the number of tokens since the last point
// where the grammar starts a sibling subtree (`,` `;` AND OR WHEN THEN ELSE
// UNION INTERSECT EXCEPT JOIN; the AND of a BETWEEN does not count), plus the
// number of UNION / INTERSECT / EXCEPT / JOIN keywords at that level, which
// nest left-deep across commas. The sum over the open levels bounds the tree
// depth: no construct of the grammar builds more than about two nodes per
// unit (NOT, unary minus and parenthesised subqueries reach two);
// tests/sql/pg_depth_test.cpp runs every family at the limit.
#pragma once

#include <cstddef>
#include <string_view>

namespace gh::sql::pg {

// Returns the bound, or some value above `limit` as soon as it exceeds it.
std::size_t nesting_bound(std::string_view sql, std::size_t limit) noexcept;

}  // namespace gh::sql::pg
