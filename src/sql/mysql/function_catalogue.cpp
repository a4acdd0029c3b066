#include "sql/mysql/function_catalogue.hpp"

#include <algorithm>
#include <iterator>

namespace gh::sql::mysql {
namespace {

constexpr auto R = statement_class::read;
constexpr auto W = statement_class::write;
constexpr auto A = statement_class::admin;

constexpr builtin_function functions[] = {
#include "sql/mysql/function_catalogue_table.inc"
};

constexpr bool by_name(const builtin_function& a, const builtin_function& b) {
  return a.name < b.name;
}
static_assert(std::is_sorted(std::begin(functions), std::end(functions), by_name),
              "function_catalogue_table.inc must stay sorted for the binary search");
static_assert(std::adjacent_find(std::begin(functions), std::end(functions),
                                 [](const auto& a, const auto& b) { return a.name == b.name; }) ==
                  std::end(functions),
              "function_catalogue_table.inc has a duplicate name");

// Sorted bytewise. The clause and operator keywords of MariaDB 10.11 and
// MySQL 8 that may stand before '(' (tests/sql/tools/gen_mysql_function_catalogue.py
// lists those the server itself accepts there as NOT_FUNCTIONS). Some are
// keywords only in context, and elsewhere name a stored function: query_scan
// checks the context of `against`, `columns`, `of` and the select options.
// (`escape`, `lateral`, `minus` and the interval units are left out: before a
// parenthesis in an expression MariaDB calls a stored function of that name.)
constexpr std::string_view keywords[] = {
    "against", "all", "and", "any", "as", "asc", "between", "binary", "by", "case", "character",
    "check", "columns", "desc", "distinct", "distinctrow", "div", "else", "except", "exists",
    "from", "fulltext", "having", "high_priority", "in", "index", "intersect", "is", "join", "key",
    "like", "not", "of", "on", "or", "order", "over", "partition", "primary", "recursive",
    "regexp", "rlike", "row", "select", "some", "sounds", "spatial", "sql_big_result",
    "sql_buffer_result", "sql_cache", "sql_calc_found_rows", "sql_no_cache", "sql_small_result",
    "straight_join", "table", "then", "union", "unique", "using", "values", "when", "where",
    "window", "with", "xor",
};
static_assert(std::is_sorted(std::begin(keywords), std::end(keywords)));

}  // namespace

std::optional<builtin_function> find_builtin_function(std::string_view lower_name) noexcept {
  const auto* it = std::lower_bound(
      std::begin(functions), std::end(functions), lower_name,
      [](const builtin_function& f, std::string_view k) { return f.name < k; });
  if (it == std::end(functions) || it->name != lower_name) return std::nullopt;
  return *it;
}

bool is_keyword_before_parenthesis(std::string_view lower_word) noexcept {
  return std::binary_search(std::begin(keywords), std::end(keywords), lower_word);
}

}  // namespace gh::sql::mysql
