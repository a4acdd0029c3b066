// What a statement does, as the policy sees it. Produced by the dialect
// classifiers (sql/pg, sql/mysql); consumed by policy and audit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::sql {

// Ordered from least to most privileged; `unknown` (unparseable or not
// modelled) ranks above admin so that every doubt fails closed.
enum class statement_class : std::uint8_t { read = 0, write = 1, ddl = 2, admin = 3, unknown = 4 };

std::string_view to_string(statement_class c) noexcept;
std::optional<statement_class> parse_statement_class(std::string_view s) noexcept;
inline statement_class strictest(statement_class a, statement_class b) noexcept {
  return a > b ? a : b;
}

// A table as the statement names it. `schema` is empty when the statement
// left it unqualified; sessions resolve it against their search_path.
struct table_name {
  std::string schema;
  std::string name;
  bool operator==(const table_name&) const = default;
  // "schema.name", or "name" when unqualified.
  std::string qualified() const;
};

// A run-time setting a statement changes (SET, RESET, set_config()), for
// sessions that track some of them (search_path). `name` is lower-case;
// `value` is the text the server stores (list settings quoted as PostgreSQL
// flattens them), nullopt when the setting returns to its default.
struct setting_change {
  std::string name;
  std::optional<std::string> value;
  bool local = false;  // SET LOCAL / set_config(..., true): ends with the transaction
  bool operator==(const setting_change&) const = default;
};

struct statement_info {
  statement_class cls = statement_class::unknown;
  std::string kind;                     // e.g. "select", "insert", "copy_to", "set"
  std::vector<table_name> tables;       // every relation the statement reads or writes
  std::vector<std::string> functions;   // functions it calls, lower-case, schema-qualified when written so
  std::string reason;                   // why this class, for humans
  // PREPARE name / EXECUTE name / DEALLOCATE name: sessions track these.
  std::string prepared_name;
  // kind "execute": the class of what the statement does besides running the
  // prepared statement (its argument expressions; ddl for CREATE TABLE AS
  // EXECUTE). Sessions use strictest(execute_floor, class recorded at PREPARE).
  statement_class execute_floor = statement_class::read;
  std::vector<setting_change> settings;
};

struct classification {
  statement_class cls = statement_class::unknown;  // strictest over `statements`
  std::vector<statement_info> statements;
  std::string reason;                              // of the statement that set `cls`
  // Every distinct table over all statements, in first-seen order.
  std::vector<table_name> tables() const;
};

}  // namespace gh::sql
