// Table maintenance, rights and the server: ANALYZE/OPTIMIZE/REPAIR/CHECK
// TABLE (ddl: an owner's task), CHECKSUM TABLE (read), GRANT/REVOKE, FLUSH,
// KILL, SHUTDOWN, plugins, replication, binary logs, CACHE INDEX (admin).
#include "sql/mysql/statement_rules.hpp"

namespace gh::sql::mysql {
namespace {

constexpr std::string_view server_statements[] = {
    "BACKUP", "BINLOG", "CHANGE", "CLONE", "FLUSH", "GRANT", "IMPORT", "INSTALL", "KILL",
    "PURGE", "RESET", "RESTART", "REVOKE", "SHUTDOWN", "START", "STOP", "UNINSTALL",
};

std::string describe_server_statement(const std::string& w) {
  if (w == "GRANT" || w == "REVOKE") return w + " changes who may do what";
  if (w == "KILL") return "KILL ends another session or its statement";
  if (w == "FLUSH") return "FLUSH acts on server caches, logs or locks";
  if (w == "INSTALL" || w == "UNINSTALL") return w + " loads or unloads server code";
  if (w == "SHUTDOWN" || w == "RESTART") return w + " stops the server";
  return w + " acts on replication, logs, backups or the server itself";
}

statement_rule maintenance(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  const std::string verb = s.upper_word(b);
  std::size_t i = b + 1;
  if (s.is(i, "NO_WRITE_TO_BINLOG") || s.is(i, "LOCAL")) ++i;
  if (!(s.is(i, "TABLE") || s.is(i, "TABLES"))) {
    c.scan.not_modelled(verb + " of something other than tables");
    return {to_lower(verb)};
  }
  if (verb == "CHECKSUM")
    c.raise(statement_class::read, "CHECKSUM TABLE reads the tables");
  else
    c.raise(statement_class::ddl, verb + " TABLE rewrites, repairs or re-analyses tables: an owner's task");
  table_list(c, i + 1, false);
  return {to_lower(verb) + "_table"};
}

}  // namespace

statement_rule utility_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  const std::string w = s.upper_word(b);
  if (w == "ANALYZE" || w == "OPTIMIZE" || w == "REPAIR" || w == "CHECK" || w == "CHECKSUM")
    return maintenance(c, b);
  if (w == "CACHE" && s.is(b + 1, "INDEX")) {
    c.raise(statement_class::admin, "CACHE INDEX assigns key caches, a server resource");
    table_list(c, b + 2, false);
    return {"cache_index"};
  }
  for (std::string_view v : server_statements) {
    if (w != v) continue;
    c.raise(statement_class::admin, describe_server_statement(w));
    if (w == "FLUSH") {
      std::size_t i = b + 1;
      if (s.is(i, "NO_WRITE_TO_BINLOG") || s.is(i, "LOCAL")) ++i;
      if ((s.is(i, "TABLE") || s.is(i, "TABLES")) && i + 1 < s.size() && !s.is(i + 1, "WITH"))
        table_list(c, i + 1, true);
    }
    return {to_lower(w)};
  }
  if (w == "SIGNAL" || w == "RESIGNAL") {
    c.raise(statement_class::read, w + " raises an error");
    return {to_lower(w)};
  }
  return {};
}

}  // namespace gh::sql::mysql
