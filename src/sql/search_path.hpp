// search_path: parse the setting's value and resolve an unqualified table the
// way the server would, as far as it can be known without the catalog.
//
// Resolution rules (docs/classification.md, "Tables and search_path"):
//  1. A qualified name keeps its schema.
//  2. A relation of pg_catalog (pg_class, pg_roles, pg_stat_activity...)
//     resolves to pg_catalog unless the path lists pg_catalog explicitly
//     after another schema: PostgreSQL searches pg_catalog first when the
//     path does not name it.
//  3. Otherwise the first schema of the path that may hold it:
//     - "$user" stands for session_user, only when that schema is known to
//       exist (listed in known_schemas);
//     - pg_temp (temporary tables: only a session that may create tables has
//       them) and pg_catalog (user tables cannot live there) are skipped;
//     - when known_schemas is non-empty, schemas not in it are skipped (the
//       server skips schemas that do not exist).
//  4. No candidate: the empty string. The name cannot be resolved; policy
//     must treat it as matching no rule.
// Without the catalog, "the first schema that exists" stands for "the first
// schema that holds the table": callers that know more (a per-connection
// table list) should resolve before matching.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "sql/classification.hpp"

namespace gh::sql {

struct search_path {
  // In order; unquoted names lower-cased, quoted ones as written, all cut to
  // 63 bytes as the server does. "$user" stays literally "$user".
  std::vector<std::string> schemas;
  bool operator==(const search_path&) const = default;
};

enum class search_path_error { unterminated_quote, empty_name, junk_after_name };

std::string_view to_string(search_path_error e) noexcept;

// Parses a search_path value as PostgreSQL's SplitIdentifierString does:
// `"$user", public`, `a,"B c"`, '' (empty: no schema).
expected<search_path, search_path_error> parse_search_path(std::string_view value);

// The schema and name the server would use; nullopt when it cannot be known.
std::optional<table_name> resolve_table_name(const table_name& table, const search_path& path,
                                             std::string_view session_user,
                                             const std::set<std::string>& known_schemas_or_empty);

// The schema-qualified name ("schema.name") the server would use, or "".
std::string resolve_table(const table_name& table, const search_path& path,
                          std::string_view session_user,
                          const std::set<std::string>& known_schemas_or_empty);

// True for the relations of PostgreSQL 15's pg_catalog schema.
bool is_pg_catalog_relation(std::string_view name) noexcept;

}  // namespace gh::sql
