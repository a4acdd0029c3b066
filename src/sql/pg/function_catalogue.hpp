// PostgreSQL 15 built-in functions by effect (docs/classification.md,
// "Function catalogue"). A name the catalogue does not know is a user-defined
// function and is never a read unless the connection names it in
// `read_functions`.
#pragma once

#include <optional>
#include <string_view>

#include "sql/classification.hpp"

namespace gh::sql::pg {

struct builtin_function {
  std::string_view name;  // as pg_proc spells it; information_schema ones qualified
  statement_class cls = statement_class::read;
  // Contrib functions (dblink, adminpack...) install into any schema: match
  // the bare name whatever schema the call names.
  bool any_schema = false;
};

// Binary search over a sorted constexpr table. `key` is the bare function
// name, or "information_schema.<name>" for that schema's helpers.
std::optional<builtin_function> find_builtin_function(std::string_view key) noexcept;

// Operators of pg_operator (PostgreSQL 15), by symbol. The parser turns `!=`
// into `<>` before we see it.
bool is_builtin_operator(std::string_view symbol) noexcept;

}  // namespace gh::sql::pg
