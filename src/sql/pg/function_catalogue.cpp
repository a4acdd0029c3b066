#include "sql/pg/function_catalogue.hpp"

#include <algorithm>
#include <iterator>

namespace gh::sql::pg {
namespace {

// The table's shorthands: R/W/A for built-ins (pg_catalog, or unqualified),
// Wx/Ax for contrib functions matched in any schema.
constexpr auto R = statement_class::read;
constexpr auto W = statement_class::write;
constexpr auto A = statement_class::admin;
struct any_schema_class {
  statement_class cls;
};
constexpr any_schema_class Wx{statement_class::write};
constexpr any_schema_class Ax{statement_class::admin};

struct row {
  std::string_view name;
  statement_class cls;
  bool any_schema;
  constexpr row(std::string_view n, statement_class c) : name(n), cls(c), any_schema(false) {}
  constexpr row(std::string_view n, any_schema_class c) : name(n), cls(c.cls), any_schema(true) {}
};

constexpr row functions[] = {
#include "sql/pg/function_catalogue_table.inc"
};

constexpr bool by_name(const row& a, const row& b) { return a.name < b.name; }
static_assert(std::is_sorted(std::begin(functions), std::end(functions), by_name),
              "function_catalogue_table.inc must stay sorted for the binary search");
static_assert(std::adjacent_find(std::begin(functions), std::end(functions),
                                 [](const row& a, const row& b) { return a.name == b.name; }) ==
                  std::end(functions),
              "function_catalogue_table.inc has a duplicate name");

// SELECT DISTINCT oprname FROM pg_operator (PostgreSQL 15), sorted bytewise.
constexpr std::string_view operators[] = {
    "!!", "!~", "!~*", "!~~", "!~~*", "#", "##", "#-", "#>", "#>>", "%", "&", "&&", "&<",
    "&<|", "&>", "*", "*<", "*<=", "*<>", "*=", "*>", "*>=", "+", "-", "->", "->>", "-|-",
    "/", "<", "<->", "<<", "<<=", "<<|", "<=", "<>", "<@", "<^", "=", ">", ">=", ">>", ">>=",
    ">^", "?", "?#", "?&", "?-", "?-|", "?|", "?||", "@", "@-@", "@>", "@?", "@@", "@@@",
    "^", "^@", "|", "|&>", "|/", "|>>", "||", "||/", "~", "~*", "~<=~", "~<~", "~=", "~>=~",
    "~>~", "~~", "~~*",
};
static_assert(std::is_sorted(std::begin(operators), std::end(operators)));

}  // namespace

std::optional<builtin_function> find_builtin_function(std::string_view key) noexcept {
  const auto* it = std::lower_bound(std::begin(functions), std::end(functions), key,
                                    [](const row& r, std::string_view k) { return r.name < k; });
  if (it == std::end(functions) || it->name != key) return std::nullopt;
  return builtin_function{it->name, it->cls, it->any_schema};
}

bool is_builtin_operator(std::string_view symbol) noexcept {
  return std::binary_search(std::begin(operators), std::end(operators), symbol);
}

}  // namespace gh::sql::pg
