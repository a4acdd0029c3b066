// How a rule names tables: "schema.name" or "schema.*", each part an SQL
// identifier written as in PostgreSQL: unquoted parts fold to lower case,
// double-quoted parts keep their case ("" stands for one quote). The
// classifiers report names the same way (lower-cased unless quoted), so a
// pattern and a statement's table compare as plain strings once parsed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sql/classification.hpp"

namespace gh::policy {

struct table_pattern {
  std::string schema;
  std::string name;       // empty when any_name
  bool any_name = false;  // "schema.*": every table of the schema

  bool matches(const sql::table_name& t) const noexcept {
    return t.schema == schema && (any_name || t.name == name);
  }
};

// nullopt unless `text` is exactly two identifiers joined by '.', the second
// possibly an unquoted '*'. The schema is required: an unqualified name would
// depend on each session's search_path.
std::optional<table_pattern> parse_table_pattern(std::string_view text);

// The canonical spelling: folded, quoted only where a part needs it, so that
// parse_table_pattern(to_string(p)) gives p back.
std::string to_string(const table_pattern& p);

// A table name in the same syntax (no wildcard), e.g. for test fixtures.
std::optional<sql::table_name> parse_table_name(std::string_view text);

}  // namespace gh::policy
