#include "sql/mysql/lexer.hpp"

namespace gh::sql::mysql {
namespace {

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Identifier bytes: bytes >= 0x80 are letters in utf8mb4/utf8mb3.
bool is_ident(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '$' ||
         c >= 0x80;
}
bool is_control(unsigned char c) { return (c < 0x20 && !is_space(c)) || c == 0x7f; }

// MySQL 8 optimizer hints (/*+ ... */) are comments to the lexer, but
// SET_VAR changes session variables (foreign_key_checks, sql_mode...) for
// the statement and RESOURCE_GROUP moves it to another resource group.
bool sets_variables(std::string_view hint) {
  std::string upper;
  for (char c : hint) upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return upper.find("SET_VAR") != std::string::npos || upper.find("RESOURCE_GROUP") != std::string::npos;
}

constexpr std::string_view multi_byte_operators[] = {"<=>", "->>", "<=", ">=", "<>", "!=", "<<",
                                                     ">>",  ":=",  "||", "&&", "->"};

}  // namespace

token lexer::make(token_kind kind, std::size_t start) noexcept {
  token t;
  t.kind = kind;
  t.text = sql_.substr(start, pos_ - start);
  t.offset = start;
  t.executable = in_executable_;
  t.conditional = in_executable_ && in_conditional_;
  return t;
}

token lexer::fail(std::string_view why) noexcept {
  if (!done_) {
    done_ = true;
    final_ = token_kind::error;
    error_ = why;
  }
  token t;
  t.kind = final_;
  t.offset = pos_;
  return t;
}

bool lexer::clean_inside_executable(std::size_t start) noexcept {
  if (!in_executable_) return true;
  if (sql_.substr(start, pos_ - start).find("*/") == std::string_view::npos) return true;
  fail("'*/' inside a string, identifier or comment within an executable comment: a server "
       "that skips the comment would end it there");
  return false;
}

bool lexer::skip_line_comment() noexcept {
  const std::size_t start = pos_;
  const std::size_t nl = sql_.find('\n', pos_);
  pos_ = nl == std::string_view::npos ? sql_.size() : nl + 1;
  return clean_inside_executable(start);
}

bool lexer::open_block_comment() noexcept {
  const bool bang = at(pos_ + 2) == '!';
  const bool maria = at(pos_ + 2) == 'M' && at(pos_ + 3) == '!';
  if (!bang && !maria) {
    // A plain comment: the first */ ends it, whatever it holds.
    const std::size_t close = sql_.find("*/", pos_ + 2);
    if (close == std::string_view::npos) {
      fail("a comment is not closed");
      return false;
    }
    if (at(pos_ + 2) == '+' && sets_variables(sql_.substr(pos_ + 3, close - pos_ - 3))) {
      fail("a MySQL 8 optimizer hint that sets session variables or resource groups (SET_VAR, "
           "RESOURCE_GROUP) for the statement");
      return false;
    }
    pos_ = close + 2;
    return true;
  }
  if (in_executable_) {
    fail("an executable comment inside an executable comment");
    return false;
  }
  pos_ += maria ? 4 : 3;
  // The server reads 5 digits (6 when a sixth follows) as a version; anything
  // else after the marker is already content.
  bool version = true;
  for (std::size_t i = 0; i < 5; ++i) version = version && is_digit(at(pos_ + i));
  std::uint32_t number = 0;
  if (version) {
    const std::size_t digits = is_digit(at(pos_ + 5)) ? 6 : 5;
    for (std::size_t i = 0; i < digits; ++i) number = number * 10 + static_cast<std::uint32_t>(at(pos_ + i) - '0');
    pos_ += digits;
  }
  // A server that skips the comment lets one nested /* ... */ inside it
  // (MariaDB's consume_comment(lip, 1)), wherever it stands for us (a string,
  // a `name`, a line comment), so it would end the comment at another `*/`
  // than we do; one that runs it reads a nested /* as we do, but which of the
  // two a server does depends on its version. Any /* before the first */ is
  // refused: past that, both readings end the comment at the same place (a
  // `*/` inside a token is refused by clean_inside_executable()).
  const std::size_t close = sql_.find("*/", pos_);
  const std::size_t nested = sql_.find("/*", pos_);
  if (nested != std::string_view::npos && nested < close) {
    fail("'/*' inside an executable comment: a server that skips the comment reads it as a "
         "nested comment and ends the executable comment elsewhere");
    return false;
  }
  // Every supported server (MariaDB 10+, MySQL 5.7+) runs /*! and /*!NNNNN
  // below 50700; MySQL skips /*M!, MariaDB skips 50700-99999, and higher
  // versions depend on the server's own.
  in_conditional_ = maria || number >= 50700;
  in_executable_ = true;
  return true;
}

bool lexer::skip_trivia(bool& spaced) noexcept {
  while (has(pos_)) {
    const auto c = static_cast<unsigned char>(sql_[pos_]);
    const char next = at(pos_ + 1);
    if (is_space(c)) {
      ++pos_;
    } else if (c == '#') {
      if (!skip_line_comment()) return false;
    } else if (c == '-' && next == '-') {
      if (!has(pos_ + 2)) {
        pos_ = sql_.size();
      } else {
        const auto after = static_cast<unsigned char>(sql_[pos_ + 2]);
        if (after >= 0x80) {
          fail("'--' followed by a non-ASCII byte: some character sets read it as a space, "
               "which would make the rest of the line a comment");
          return false;
        }
        if (!(after < 0x20 || after == 0x7f || after == ' ')) return true;  // minus minus
        if (!skip_line_comment()) return false;
      }
    } else if (c == '/' && next == '*') {
      if (!open_block_comment()) return false;
    } else if (c == '*' && next == '/' && in_executable_) {
      pos_ += 2;
      in_executable_ = false;
    } else {
      return true;
    }
    spaced = true;
  }
  return true;
}

token lexer::quoted(char quote, token_kind kind, bool escapes, std::size_t start) noexcept {
  std::size_t i = start + 1;
  for (;;) {
    if (!has(i)) return fail("a quoted string or identifier is not closed");
    const char c = sql_[i];
    if (escapes && c == '\\') {
      if (!has(i + 1)) return fail("a quoted string is not closed");
      i += 2;
    } else if (c == quote) {
      if (at(i + 1) != quote) break;
      i += 2;
    } else {
      ++i;
    }
  }
  pos_ = i + 1;
  if (!clean_inside_executable(start)) return fail(error_);
  return make(kind, start);
}

token lexer::prefixed_literal(token_kind kind, std::size_t start) noexcept {
  const std::size_t open = start + 1;
  const std::size_t close = sql_.find('\'', open + 1);
  if (close == std::string_view::npos) return fail("a hex or bit literal is not closed");
  const std::string_view digits = sql_.substr(open + 1, close - open - 1);
  for (char c : digits) {
    const bool ok = kind == token_kind::hex_string ? is_hex(static_cast<unsigned char>(c))
                                                   : (c == '0' || c == '1');
    if (!ok) return fail("a malformed hex or bit literal");
  }
  if (kind == token_kind::hex_string && digits.size() % 2 != 0)
    return fail("a hex literal with an odd number of digits");
  pos_ = close + 1;
  return make(kind, start);
}

token lexer::word(std::size_t start) noexcept {
  std::size_t i = start;
  while (has(i) && is_ident(static_cast<unsigned char>(sql_[i]))) ++i;
  const std::string_view w = sql_.substr(start, i - start);
  if (w.size() == 1 && at(i) == '\'') {
    if (w[0] == 'x' || w[0] == 'X') return prefixed_literal(token_kind::hex_string, start);
    if (w[0] == 'b' || w[0] == 'B') return prefixed_literal(token_kind::bit_string, start);
  }
  pos_ = i;
  return make(token_kind::word, start);
}

token lexer::number_or_word(std::size_t start) noexcept {
  auto digit = [this](std::size_t k) { return is_digit(static_cast<unsigned char>(at(k))); };
  auto exponent_at = [&](std::size_t k) {
    const char e = at(k);
    return (e == 'e' || e == 'E') &&
           (digit(k + 1) || ((at(k + 1) == '+' || at(k + 1) == '-') && digit(k + 2)));
  };
  std::size_t i = start;
  if (sql_[start] != '.') {
    while (digit(i)) ++i;
    const char c = at(i);
    if ((c == 'x' || c == 'X' || c == 'b' || c == 'B') && i == start + 1 && sql_[start] == '0') {
      // 0x1F and 0b01 are numbers; 0x1G and 0b2 are identifiers.
      std::size_t j = i + 1;
      const bool hex = c == 'x' || c == 'X';
      while (has(j) && (hex ? is_hex(static_cast<unsigned char>(sql_[j])) : (sql_[j] == '0' || sql_[j] == '1'))) ++j;
      if (j > i + 1 && !is_ident(static_cast<unsigned char>(at(j)))) {
        pos_ = j;
        return make(token_kind::number, start);
      }
      return word(start);
    }
    if (c != '.' && !exponent_at(i) && is_ident(static_cast<unsigned char>(c)))
      return word(start);  // 1abc is an identifier
  }
  if (at(i) == '.') {
    ++i;
    while (digit(i)) ++i;
  }
  if (exponent_at(i)) {
    i += (at(i + 1) == '+' || at(i + 1) == '-') ? 2 : 1;
    while (digit(i)) ++i;
  }
  pos_ = i;
  return make(token_kind::number, start);
}

token lexer::variable(std::size_t start) noexcept {
  if (at(start + 1) == '@') {
    pos_ = start + 2;
    return make(token_kind::system_variable, start);
  }
  const char q = at(start + 1);
  if (q == '\'' || q == '"' || q == '`') {
    const bool escapes = q != '`' && !(q == '"' && mode_.ansi_quotes) && !mode_.no_backslash_escapes;
    token t = quoted(q, token_kind::user_variable, escapes, start + 1);
    if (t.kind == token_kind::error) return t;
    return make(token_kind::user_variable, start);
  }
  std::size_t i = start + 1;
  while (has(i) && (is_ident(static_cast<unsigned char>(sql_[i])) || sql_[i] == '.')) ++i;
  if (i == start + 1) return fail("'@' without a variable name");
  pos_ = i;
  return make(token_kind::user_variable, start);
}

token lexer::operator_token(std::size_t start) noexcept {
  const auto c = static_cast<unsigned char>(sql_[start]);
  if (c == 0) return fail("a NUL byte in the statement");
  if (is_control(c)) return fail("a control character outside a string");
  for (std::string_view op : multi_byte_operators) {
    if (sql_.substr(start, op.size()) == op) {
      pos_ = start + op.size();
      return make(token_kind::punct, start);
    }
  }
  pos_ = start + 1;
  return make(c == '?' ? token_kind::placeholder : token_kind::punct, start);
}

token lexer::next() noexcept {
  if (done_) return fail(error_);
  bool spaced = false;
  if (!skip_trivia(spaced)) return fail(error_);
  if (!has(pos_)) {
    if (in_executable_) return fail("an executable comment is not closed");
    done_ = true;
    final_ = token_kind::end;
    return make(token_kind::end, pos_);
  }
  const std::size_t start = pos_;
  const auto c = static_cast<unsigned char>(sql_[pos_]);
  const bool after_dot = ident_after_dot_ && !spaced;
  ident_after_dot_ = false;
  token t;
  if (after_dot && is_ident(c)) {
    t = word(start);  // db.1t: after a qualifying dot every name is an identifier
  } else if (c == ';') {
    if (in_executable_) return fail("';' inside an executable comment");
    pos_ = start + 1;
    t = make(token_kind::semicolon, start);
  } else if (c == '\'') {
    t = quoted('\'', token_kind::string, !mode_.no_backslash_escapes, start);
  } else if (c == '"') {
    t = mode_.ansi_quotes ? quoted('"', token_kind::quoted_identifier, false, start)
                          : quoted('"', token_kind::string, !mode_.no_backslash_escapes, start);
  } else if (c == '`') {
    t = quoted('`', token_kind::quoted_identifier, false, start);
  } else if (c == '@') {
    t = variable(start);
  } else if (is_digit(c) || (c == '.' && is_digit(static_cast<unsigned char>(at(start + 1))) &&
                             !(previous_ident_ && !spaced))) {
    t = number_or_word(start);
  } else if (is_ident(c)) {
    t = word(start);
  } else {
    t = operator_token(start);
    if (t.kind == token_kind::punct && t.text == "." && previous_ident_ && !spaced)
      ident_after_dot_ = true;
  }
  if (t.kind == token_kind::error || t.kind == token_kind::end) return t;
  previous_ident_ = t.kind == token_kind::word || t.kind == token_kind::quoted_identifier;
  t.spaced = spaced;
  return t;
}

}  // namespace gh::sql::mysql
