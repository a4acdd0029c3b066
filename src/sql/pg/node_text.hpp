// Reading names and constants out of libpg_query's protobuf nodes. Internal
// to sql/pg. Every accessor tolerates null pointers and unset oneofs: the
// tree is the parser's, but we never trust a pointer we did not check.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pg_query/pg_query.pb-c.h>

namespace gh::sql::pg {

inline std::string_view text(const char* s) noexcept { return s ? std::string_view(s) : ""; }

std::string lower_ascii(std::string_view s);

// A String node's value; nullopt for any other node.
std::optional<std::string_view> string_value(const PgQuery__Node* n) noexcept;

// The String items of a name list (funcname, operator name, a List of them),
// e.g. {"pg_catalog", "set_config"}. Non-string items become "?".
std::vector<std::string_view> name_parts(std::size_t n, PgQuery__Node* const* items);

// "a.b.c" from parts.
std::string join_name(const std::vector<std::string_view>& parts);

// The text of a constant: A_Const string, integer, float or boolean. nullopt
// otherwise (expressions, casts, parameters, NULL).
std::optional<std::string> constant_text(const PgQuery__Node* n);

// A DefElem's argument as text (String, Integer, Float, Boolean, A_Const);
// nullopt when it has none or it is not a constant.
std::optional<std::string> def_arg_text(const PgQuery__DefElem* d);

}  // namespace gh::sql::pg
