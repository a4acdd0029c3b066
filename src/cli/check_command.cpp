// gatehouse check --config F --principal P [--groups a,b] [--grant RULE]... --connection C [--json] SQL
// What the gateway would decide for P running SQL on connection C: the
// class, the tables as the session would resolve them (default
// search_path), the verdict, the rule behind it and why. Nothing runs.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "gateway/search_path_candidates.hpp"
#include "policy/decide.hpp"
#include "sql/mysql/classify.hpp"
#include "sql/pg/classify.hpp"

namespace gh::cli {
namespace {

constexpr std::string_view usage_text =
    "usage: gatehouse check --config FILE --principal NAME [--groups a,b] [--grant RULE]...\n"
    "                       --connection NAME [--json] SQL\n"
    "  Prints the decision for NAME running SQL on the connection, the rule behind it and why.\n"
    "  --groups: the principal's groups (as its token would give them); --grant: a jit rule it holds a grant for.\n"
    "  SQL is read from stdin when it is absent or '-'. Exit 0: allow, 1: review or deny, 2: usage.\n";

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    if (comma != 0) out.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

int usage_error(std::string_view why) {
  std::cerr << "gatehouse check: " << why << "\n\n" << usage_text;
  return 2;
}

}  // namespace

int cmd_check(args a) {
  std::string config_path, principal, connection, sql;
  std::vector<std::string> groups, grants;
  bool json = false;
  bool sql_given = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view arg = a[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= a.size()) return false;
      out = a[++i];
      return true;
    };
    std::string v;
    if (arg == "--config") { if (!value(config_path)) return usage_error("--config needs a file"); }
    else if (arg == "--principal") { if (!value(principal)) return usage_error("--principal needs a name"); }
    else if (arg == "--connection") { if (!value(connection)) return usage_error("--connection needs a name"); }
    else if (arg == "--groups") { if (!value(v)) return usage_error("--groups needs a list"); groups = split(v); }
    else if (arg == "--grant") { if (!value(v)) return usage_error("--grant needs a rule"); grants.push_back(v); }
    else if (arg == "--json") json = true;
    else if (arg == "-h" || arg == "--help") { std::cout << usage_text; return 0; }
    else {
      if (!sql.empty()) sql += ' ';
      sql += arg;
      sql_given = true;
    }
  }
  if (config_path.empty() || principal.empty() || connection.empty())
    return usage_error("--config, --principal and --connection are required");
  if (!sql_given || sql == "-") sql.assign(std::istreambuf_iterator<char>(std::cin), {});

  config::config cfg;
  try {
    cfg = config::load_config(config_path);
  } catch (const config::config_error& e) {
    std::cerr << "gatehouse check: " << e.what() << "\n";
    return 2;
  }
  auto it = cfg.connections.find(connection);
  if (it == cfg.connections.end()) {
    std::cerr << "gatehouse check: connection \"" << connection << "\" is not in " << config_path << "\n";
    return 2;
  }
  const config::connection& conn = it->second;

  sql::classification cls;
  if (conn.type == config::db_type::mysql) {
    sql::mysql::classify_options o;
    o.read_functions = conn.read_functions;
    cls = sql::mysql::classify(sql, o);
  } else {
    sql::pg::classify_options o;
    o.read_functions = conn.read_functions;
    cls = sql::pg::classify(sql, o);
  }
  std::vector<sql::table_name> tables;
  gateway::search_path_candidates paths;
  for (const auto& st : cls.statements) {
    for (const auto& t : st.tables) {
      if (conn.type == config::db_type::mysql) {
        sql::table_name r = t;
        if (r.schema.empty()) r.schema = conn.database;
        tables.push_back(r);
      } else {
        paths.resolve(t, conn.user, tables);
      }
    }
    for (const auto& set : st.settings)
      if (set.name == "search_path") paths.add(set.value);
  }

  policy::request req;
  req.principal = principal;
  req.groups = groups;
  req.connection = connection;
  req.cls = cls.cls;
  req.tables = tables;
  req.grants = grants;
  const bool may_connect = policy::may_connect(cfg.rules, principal, groups, connection, grants);
  policy::decision d = policy::decide(cfg.rules, req);

  if (json) {
    boost::json::object o;
    o["decision"] = policy::to_string(d.outcome);
    o["class"] = sql::to_string(cls.cls);
    o["rule"] = d.rule;
    o["reason"] = d.reason;
    if (!d.next_step.empty()) o["next_step"] = d.next_step;
    boost::json::array ts;
    for (const auto& t : tables) ts.emplace_back(t.qualified());
    o["tables"] = std::move(ts);
    boost::json::array rv;
    for (const auto& r : d.reviewers) rv.emplace_back(r);
    if (d.outcome == policy::verdict::review) o["reviewers"] = std::move(rv);
    o["may_connect"] = may_connect;
    o["classification_reason"] = cls.reason;
    std::cout << boost::json::serialize(o) << "\n";
  } else {
    std::cout << policy::to_string(d.outcome) << " (" << sql::to_string(cls.cls) << ")";
    if (!d.rule.empty()) std::cout << " by rule " << d.rule;
    std::cout << ": " << d.reason << "\n";
    if (!tables.empty()) {
      std::cout << "  tables:";
      for (const auto& t : tables) std::cout << " " << t.qualified();
      std::cout << "\n";
    }
    std::cout << "  classified " << sql::to_string(cls.cls) << ": " << cls.reason << "\n";
    if (!d.next_step.empty()) std::cout << "  next: " << d.next_step << "\n";
    if (!may_connect) std::cout << "  note: no rule in force lets " << principal << " connect to " << connection << "\n";
  }
  return d.outcome == policy::verdict::allow ? 0 : 1;
}

}  // namespace gh::cli
