// The classifier's fuzz body (mysql_fuzz_targets.hpp), in its own file so
// that the wire tests need not link the SQL library.
#include <algorithm>

#include "mysql_fuzz_targets.hpp"
#include "sql/mysql/classify.hpp"
#include "sql/mysql/lexer.hpp"

namespace gh::fuzz {

std::string_view mysql_classify(bytes_view in) {
  if (in.empty()) return "";
  sql::mysql::classify_options o;
  o.sql_mode.ansi_quotes = in[0] & 1;
  o.sql_mode.no_backslash_escapes = in[0] & 2;
  o.max_depth = 64;
  const std::string_view text = as_chars(in.subspan(1));

  sql::mysql::lexer lx(text, o.sql_mode);
  for (std::size_t i = 0; i <= text.size() + 1; ++i) {
    const auto t = lx.next();
    if (t.kind == sql::mysql::token_kind::end || t.kind == sql::mysql::token_kind::error) break;
    if (t.offset + t.text.size() > text.size()) return "a token outside the text";
    if (t.text.empty()) return "an empty token";
    if (i == text.size() + 1) return "more tokens than bytes";
  }

  const sql::classification c = sql::mysql::classify(text, o);
  sql::statement_class strictest = sql::statement_class::read;
  for (const auto& s : c.statements) strictest = std::max(strictest, s.cls);
  if (!c.statements.empty() && c.cls != strictest) return "the class is not the strictest statement's";
  if (c.statements.empty() && c.cls != sql::statement_class::read) return "no statement, yet not read";
  const sql::classification again = sql::mysql::classify(text, o);
  if (again.cls != c.cls || again.reason != c.reason || again.tables() != c.tables())
    return "classifying twice differs";
  return "";
}

}  // namespace gh::fuzz
