// How a called function is classified (docs/classification.md, "Functions").
#include <algorithm>

#include "sql/pg/function_catalogue.hpp"
#include "sql/pg/json_node.hpp"
#include "sql/pg/tree_walk.hpp"

namespace gh::sql::pg {
namespace {

bool declared_read(const classify_options& options, std::string_view written) {
  const auto& listed = options.read_functions;
  return std::find(listed.begin(), listed.end(), written) != listed.end();
}

std::string catalogue_reason(const std::string& written, statement_class cls) {
  if (cls == statement_class::read) return "built-in function " + written + " is a read";
  return "built-in function " + written + " is " + std::string(to_string(cls)) +
         " in the function catalogue";
}

}  // namespace

effect function_effect(const std::vector<std::string_view>& parts, const classify_options& options) {
  effect out;
  if (parts.empty()) return out;
  const std::string_view name = parts.back();
  const std::string_view schema = parts.size() >= 2 ? parts[parts.size() - 2] : "";
  const std::string written = join_name(parts);
  const std::string lname = lower_ascii(name);
  const bool info_schema = schema == "information_schema";
  const bool builtin_schema = schema.empty() || schema == "pg_catalog" || info_schema;
  // Exact spelling first: a few built-ins have upper-case names ("RI_FKey_...").
  auto key = [&](std::string_view n) {
    return info_schema ? "information_schema." + std::string(n) : std::string(n);
  };
  auto entry = find_builtin_function(key(name));
  const bool exact = entry.has_value();
  if (!entry) entry = find_builtin_function(key(lname));

  if (!entry) {
    if (declared_read(options, written))
      out.raise(statement_class::read, "function " + written + " is declared read-only");
    else
      out.raise(statement_class::write,
                "user-defined function " + written + " is not known to be read-only");
    return out;
  }
  if (entry->any_schema || (builtin_schema && exact)) {
    out.raise(entry->cls, catalogue_reason(written, entry->cls));
    return out;
  }
  // Another schema's function, or a quoted name in another case, that shares
  // a built-in's name: at least a write, and no milder than the built-in.
  if (entry->cls == statement_class::read && declared_read(options, written)) {
    out.raise(statement_class::read, "function " + written + " is declared read-only");
    return out;
  }
  out.raise(strictest(statement_class::write, entry->cls),
            "function " + written + " is not the built-in " + lname +
                " and is not known to be read-only");
  return out;
}

}  // namespace gh::sql::pg
