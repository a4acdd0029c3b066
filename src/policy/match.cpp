#include "policy/match.hpp"

#include <algorithm>

#include "policy/table_pattern.hpp"

namespace gh::policy {

bool names_someone(std::span<const std::string> entries, std::string_view principal,
                   std::span<const std::string> groups) {
  for (const auto& e : entries) {
    std::string_view entry = e;
    if (entry.starts_with(group_prefix)) {
      entry.remove_prefix(group_prefix.size());
      if (std::find(groups.begin(), groups.end(), entry) != groups.end()) return true;
    } else if (!principal.empty() && entry == principal) {
      return true;
    }
  }
  return false;
}

bool names_connection(const rule& r, std::string_view connection) {
  return std::find(r.connections.begin(), r.connections.end(), connection) != r.connections.end();
}

bool in_force(const rule& r, std::span<const std::string> grants) {
  return !r.jit || std::find(grants.begin(), grants.end(), r.name) != grants.end();
}

bool lists(std::span<const sql::statement_class> classes, sql::statement_class c) {
  return std::find(classes.begin(), classes.end(), c) != classes.end();
}

bool is_catalog_schema(std::string_view schema) {
  return schema == "pg_catalog" || schema == "information_schema";
}

bool shows_other_sessions(const sql::table_name& t) {
  // Compared case-insensitively: MySQL's information_schema names are, and
  // a miss here would exempt the view.
  static constexpr std::string_view views[] = {
      "processlist", "innodb_trx", "innodb_locks", "innodb_lock_waits", "query_cache_info",
      "pg_stat_activity", "pg_stat_statements", "pg_stat_statements_info", "pg_locks"};
  std::string lower(t.name);
  for (char& ch : lower)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return std::find(std::begin(views), std::end(views), lower) != std::end(views);
}

bool is_exempt_catalog_table(const sql::table_name& t) {
  return is_catalog_schema(t.schema) && !shows_other_sessions(t);
}

bool covers(const rule& r, sql::statement_class c, std::span<const sql::table_name> tables) {
  if (r.tables.empty()) return true;
  if (tables.empty()) return c == sql::statement_class::read;
  for (const auto& t : tables) {
    if (t.schema.empty()) return false;
    if (c == sql::statement_class::read && is_exempt_catalog_table(t)) continue;
    bool matched = false;
    for (const auto& text : r.tables) {
      // The loader stores canonical patterns; one that fails to parse here
      // (a rule built by hand) matches nothing rather than everything.
      auto p = parse_table_pattern(text);
      if (p && p->matches(t)) {
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

}  // namespace gh::policy
