// Reading libpg_query's JSON parse tree. Internal to sql/pg.
//
// The shape (libpg_query 15, pg_query.proto's json_name): a node is an
// object with one member named after its type, {"SelectStmt": {...}}; its
// fields are members named in lowerCamel or snake case; lists are arrays
// of nodes. Fields typed as one specific message (SelectStmt.larg,
// InsertStmt.relation, ...) hold that message's fields directly, without
// the wrapper. Fields at their default (false, 0, "", empty list) are left
// out. Enums are strings ("VAR_SET_VALUE").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace gh::sql::pg {

namespace json = boost::json;

struct node {
  std::string_view type;         // "SelectStmt"
  const json::object* fields;    // never null
};

// A wrapped node: an object with a single member whose name begins with a
// capital (no field name does). nullopt for anything else.
std::optional<node> as_node(const json::value& v) noexcept;

// Members of a fields object; absent or of another JSON type reads as the
// field's default.
const json::object* object_field(const json::object& o, std::string_view key) noexcept;
const json::array* array_field(const json::object& o, std::string_view key) noexcept;
const json::value* value_field(const json::object& o, std::string_view key) noexcept;
std::string_view string_field(const json::object& o, std::string_view key) noexcept;
bool bool_field(const json::object& o, std::string_view key) noexcept;

std::string lower_ascii(std::string_view s);

// The String items of a name list (funcname, an operator name, a List's
// items), e.g. {"pg_catalog", "set_config"}. Other items read as "?".
std::vector<std::string_view> name_parts(const json::array* items);
std::string join_name(const std::vector<std::string_view>& parts);

// The text of a constant node: A_Const string, integer, float or boolean;
// also a bare String/Integer/Float/Boolean node (DefElem arguments). nullopt
// otherwise: expressions, casts ('abc'::varchar(1) is 'a'), NULL, parameters.
std::optional<std::string> constant_text(const json::value& v);

// The value of a constant A_Const that is a string literal; false for other
// constants (numbers are never quoted when a setting is flattened).
bool is_string_constant(const json::value& v) noexcept;

}  // namespace gh::sql::pg
