// A rule: which principals may run which classes of statement on which
// connections and tables, and under which conditions (DESIGN.md).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sql/classification.hpp"

namespace gh::policy {

struct rule {
  std::string name;
  std::vector<std::string> principals;   // names, or "group:<g>"
  std::vector<std::string> connections;
  std::vector<sql::statement_class> allow;
  std::vector<sql::statement_class> review;
  std::vector<std::string> reviewers;    // names, or "group:<g>"
  std::vector<std::string> tables;       // "schema.name"; empty: every table
  bool jit = false;
  std::optional<std::chrono::seconds> jit_max;
  int line = 0;                          // where the config declares it, for messages
};

}  // namespace gh::policy
