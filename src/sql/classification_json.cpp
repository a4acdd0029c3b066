#include "sql/classification_json.hpp"

#include <boost/json.hpp>

namespace gh::sql {
namespace {

boost::json::array tables_json(const std::vector<table_name>& tables) {
  boost::json::array out;
  for (const auto& t : tables) out.emplace_back(t.qualified());
  return out;
}

boost::json::object statement_json(const statement_info& s) {
  boost::json::object o;
  o["class"] = to_string(s.cls);
  o["kind"] = s.kind;
  o["tables"] = tables_json(s.tables);
  boost::json::array functions;
  for (const auto& f : s.functions) functions.emplace_back(f);
  o["functions"] = std::move(functions);
  o["reason"] = s.reason;
  if (!s.prepared_name.empty()) o["prepared_name"] = s.prepared_name;
  if (s.kind == "execute") o["execute_floor"] = to_string(s.execute_floor);
  return o;
}

}  // namespace

std::string to_json(const classification& c) {
  boost::json::object o;
  o["class"] = to_string(c.cls);
  boost::json::array statements;
  for (const auto& s : c.statements) statements.emplace_back(statement_json(s));
  o["statements"] = std::move(statements);
  o["tables"] = tables_json(c.tables());
  o["reason"] = c.reason;
  return boost::json::serialize(o);
}

}  // namespace gh::sql
