// The questions decide() asks of one rule, public so that the grant and
// review code asks them the same way (who may request a grant for a rule,
// who may approve). Entries "group:<g>" match a group, never a name, so a
// principal called "group:dba" cannot pass for the dba group.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "policy/rule.hpp"
#include "sql/classification.hpp"

namespace gh::policy {

inline constexpr std::string_view group_prefix = "group:";

// True when `entries` (a rule's principals or reviewers) names `principal`
// or one of its `groups` (given without the prefix).
bool names_someone(std::span<const std::string> entries, std::string_view principal,
                   std::span<const std::string> groups);

inline bool names_principal(const rule& r, std::string_view principal,
                            std::span<const std::string> groups) {
  return names_someone(r.principals, principal, groups);
}

// May approve what `r` holds for review, and grant access under a jit rule.
// The caller still refuses a requester its own review.
inline bool is_reviewer(const rule& r, std::string_view principal,
                        std::span<const std::string> groups) {
  return names_someone(r.reviewers, principal, groups);
}

bool names_connection(const rule& r, std::string_view connection);

// A jit rule is in force only while the principal holds an unexpired grant
// for it; `grants` lists the rule names of those grants (the caller filters
// by time, so no clock is read here).
bool in_force(const rule& r, std::span<const std::string> grants);

bool lists(std::span<const sql::statement_class> classes, sql::statement_class c);

// `allow` never lets `unknown` through, whatever the rule says: an unknown
// statement is at most held for a human (the loader refuses it in allow too).
inline bool allows(const rule& r, sql::statement_class c) {
  return c != sql::statement_class::unknown && lists(r.allow, c);
}
inline bool reviews(const rule& r, sql::statement_class c) { return lists(r.review, c); }

// Schemas whose tables count as covered for `read` by every table-restricted
// rule: clients read them to introspect (psql \d, drivers), and the database
// already shows them to every role. Writes to them are never covered.
bool is_catalog_schema(std::string_view schema);
// The catalog views that show other sessions' statements, locks or
// transactions (PROCESSLIST, INNODB_TRX, pg_stat_activity,
// pg_stat_statements, pg_locks...): every principal of a connection shares
// one database user, so they show other principals' statement text. They
// are not exempt: a table-restricted rule must name them.
bool shows_other_sessions(const sql::table_name& t);
// A table of a catalog schema that is not one of those views.
bool is_exempt_catalog_table(const sql::table_name& t);

// When the rule has `tables:`, every table of the statement must match one
// of them. A statement with no tables (SELECT 1, nextval(), SET) is covered
// by a table-restricted rule only when its class is `read`. A table without
// a schema (not resolved by the session) is covered by no such rule.
bool covers(const rule& r, sql::statement_class c, std::span<const sql::table_name> tables);

}  // namespace gh::policy
