// The values of string, identifier and variable tokens, decoded as the
// server decodes them (sql_lex.cc get_text, get_quoted_token).
#include "sql/mysql/lexer.hpp"

namespace gh::sql::mysql {
namespace {

void append_unquoted(std::string& out, std::string_view body, char quote, bool escapes) {
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (escapes && c == '\\' && i + 1 < body.size()) {
      const char e = body[++i];
      switch (e) {
        case '0': out += '\0'; break;
        case 'b': out += '\b'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'Z': out += '\x1a'; break;
        case '%': out += "\\%"; break;  // kept for LIKE, as the server does
        case '_': out += "\\_"; break;
        default: out += e; break;
      }
    } else if (c == quote && i + 1 < body.size() && body[i + 1] == quote) {
      out += quote;
      ++i;
    } else {
      out += c;
    }
  }
}

// `text` is a whole quoted token: opening quote, body, closing quote.
std::string unquote(std::string_view text, lex_mode mode) {
  std::string out;
  if (text.size() < 2) return out;
  const char q = text.front();
  const bool escapes = q != '`' && !(q == '"' && mode.ansi_quotes) && !mode.no_backslash_escapes;
  append_unquoted(out, text.substr(1, text.size() - 2), q, escapes);
  return out;
}

}  // namespace

std::string string_value(const token& t, lex_mode mode) { return unquote(t.text, mode); }

std::string identifier_value(const token& t, lex_mode mode) {
  switch (t.kind) {
    case token_kind::word: return std::string(t.text);
    case token_kind::quoted_identifier: return unquote(t.text, mode);
    case token_kind::user_variable: {
      const std::string_view name = t.text.substr(1);
      if (!name.empty() && (name[0] == '\'' || name[0] == '"' || name[0] == '`'))
        return unquote(name, mode);
      return std::string(name);
    }
    default: return std::string(t.text);
  }
}

}  // namespace gh::sql::mysql
