#include "sql/classification.hpp"

#include <algorithm>

namespace gh::sql {

std::string_view to_string(statement_class c) noexcept {
  switch (c) {
    case statement_class::read: return "read";
    case statement_class::write: return "write";
    case statement_class::ddl: return "ddl";
    case statement_class::admin: return "admin";
    case statement_class::unknown: return "unknown";
  }
  return "unknown";
}

std::optional<statement_class> parse_statement_class(std::string_view s) noexcept {
  for (auto c : {statement_class::read, statement_class::write, statement_class::ddl,
                 statement_class::admin, statement_class::unknown})
    if (to_string(c) == s) return c;
  return std::nullopt;
}

std::string table_name::qualified() const {
  return schema.empty() ? name : schema + "." + name;
}

std::vector<table_name> classification::tables() const {
  std::vector<table_name> out;
  for (const auto& st : statements)
    for (const auto& t : st.tables)
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  return out;
}

}  // namespace gh::sql
