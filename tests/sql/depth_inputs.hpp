// Inputs that nest as deep as the text allows, one family per grammar rule
// that builds depth: brackets, subqueries, left-deep operator chains (which
// bison builds without growing its own stack), set operations, joins,
// prefix operators, CASE, BETWEEN.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace gh::sql::test {

struct depth_family {
  std::string name;
  std::function<std::string(int)> make;  // n repetitions of the nesting step
};

inline std::string repeat(std::string_view s, int n) {
  std::string out;
  out.reserve(s.size() * static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

inline std::vector<depth_family> depth_families() {
  return {
      {"parentheses", [](int n) { return "SELECT " + repeat("(", n) + "1" + repeat(")", n); }},
      {"subqueries", [](int n) { return repeat("SELECT (", n) + "SELECT 1" + repeat(")", n); }},
      {"from_subqueries",
       [](int n) { return repeat("SELECT * FROM (", n) + "SELECT 1" + repeat(") x", n); }},
      {"cte_bodies",
       [](int n) { return repeat("WITH a AS (", n) + "SELECT 1" + repeat(") SELECT 1", n); }},
      {"function_calls", [](int n) { return "SELECT " + repeat("abs(", n) + "1" + repeat(")", n); }},
      {"arrays", [](int n) { return "SELECT " + repeat("ARRAY[", n) + "1" + repeat("]", n); }},
      {"plus_chain", [](int n) { return "SELECT 1" + repeat("+1", n); }},
      {"concat_chain", [](int n) { return "SELECT 'a'" + repeat("||'a'", n); }},
      {"cast_chain", [](int n) { return "SELECT 1" + repeat("::int", n); }},
      {"is_null_chain", [](int n) { return "SELECT 1" + repeat(" IS NULL", n); }},
      {"collate_chain", [](int n) { return "SELECT 'a'" + repeat(" COLLATE \"C\"", n); }},
      {"union_chain", [](int n) { return "SELECT 1" + repeat(" UNION SELECT 1", n); }},
      {"union_chain_commas", [](int n) { return "SELECT 1, 2" + repeat(" UNION SELECT 1, 2", n); }},
      {"join_chain", [](int n) { return "SELECT * FROM t" + repeat(" JOIN t ON true", n); }},
      {"join_right_nested",
       [](int n) { return "SELECT * FROM t" + repeat(" JOIN t", n) + repeat(" ON true", n); }},
      {"not_chain", [](int n) { return "SELECT " + repeat("NOT ", n) + "true"; }},
      {"minus_chain", [](int n) { return "SELECT " + repeat("- ", n) + "x FROM t"; }},
      {"case_nesting",
       [](int n) { return "SELECT " + repeat("CASE WHEN true THEN ", n) + "1" + repeat(" END", n); }},
      {"between_chain",
       [](int n) { return "SELECT 1" + repeat(" BETWEEN 0 AND 1", n); }},
      {"between_right_nested",
       [](int n) { return "SELECT " + repeat("a BETWEEN b AND ", n) + "c FROM t"; }},
      {"and_of_plus_chains",
       [](int n) { return "SELECT 1 WHERE 1" + repeat("+1", n) + " = 1 AND 2" + repeat("+2", n) + " = 2"; }},
      {"paren_plus_mix",
       [](int n) { return "SELECT " + repeat("(1+", n) + "1" + repeat(")", n); }},
      {"in_subqueries",
       [](int n) { return "SELECT 1 WHERE 1 IN " + repeat("(SELECT 1 WHERE 1 IN ", n) + "(1)" + repeat(")", n); }},
  };
}

}  // namespace gh::sql::test
