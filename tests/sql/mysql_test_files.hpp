// Helpers of the MySQL classifier tests: the shared file readers, the
// golden files' escapes, and classify() with a session's sql_mode.
#pragma once

#include <string>
#include <string_view>

#include "sql/mysql/classify.hpp"
#include "test_files.hpp"

namespace gh::sql::mysql::test {

using sql::test::explain;
using sql::test::file_exists;
using sql::test::lines_of;
using sql::test::read_file;

inline classification classify_mysql(std::string_view sql, lex_mode mode = {}) {
  classify_options o;
  o.sql_mode = mode;
  return classify(sql, o);
}

// The golden files' escapes: \n, \r, \t and \xHH; any other backslash is itself.
inline std::string unescape(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (s[i] == '\\' && (next == 'n' || next == 'r' || next == 't')) {
      out += next == 'n' ? '\n' : next == 'r' ? '\r' : '\t';
      ++i;
    } else if (s[i] == '\\' && next == 'x' && i + 3 < s.size() && hex(s[i + 2]) >= 0 &&
               hex(s[i + 3]) >= 0) {
      out += static_cast<char>(hex(s[i + 2]) * 16 + hex(s[i + 3]));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace gh::sql::mysql::test
