// Reading the classifier's test data files.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sql/classification.hpp"
#include "sql/pg/classify.hpp"

namespace gh::sql::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// "class: reason" of every statement, for failure messages.
inline std::string explain(const classification& c) {
  std::string out = std::string(to_string(c.cls)) + " (" + c.reason + ")";
  for (const auto& s : c.statements)
    out += "\n    " + std::string(to_string(s.cls)) + " " + s.kind + ": " + s.reason;
  return out;
}

inline classification classify(std::string_view sql) {
  return pg::classify(sql, pg::classify_options{});
}

}  // namespace gh::sql::test
