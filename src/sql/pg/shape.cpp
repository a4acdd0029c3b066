#include "sql/pg/shape.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace gh::sql::pg {
namespace {

// What each byte is to the lexer below. `plain`: copied as it is and never
// starts or ends anything (spaces, commas, operators other than - and /).
enum char_class : std::uint8_t { plain, ident, digit_char, special };

constexpr std::array<char_class, 256> make_classes() {
  std::array<char_class, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$') t[c] = ident;
    else if (c >= '0' && c <= '9') t[c] = digit_char;
    else if (c >= 0x80 || c == 0 || c == '\\' || c == '-' || c == '/' || c == '\'' || c == '"' || c == '.')
      t[c] = special;
    else t[c] = plain;
  }
  // '$' is an identifier character inside a name but starts a parameter:
  // the lexer below looks at it before the table when it starts a token.
  return t;
}
constexpr std::array<char_class, 256> classes = make_classes();

bool ident_char(unsigned char c) { return classes[c] == ident || classes[c] == digit_char; }
bool digit(unsigned char c) { return classes[c] == digit_char; }

// Parameters the shape introduces start high, away from the statement's own.
constexpr int first_param = 9001;

}  // namespace

bool statement_shape(std::string_view sql, std::string& out) {
  out.clear();
  out.reserve(sql.size() + 16);
  int next_param = first_param;
  bool replaced = false;
  std::size_t i = 0;
  const std::size_t n = sql.size();
  auto param = [&] {
    char digits[16];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, next_param++);
    out += '$';
    out.append(digits, static_cast<std::size_t>(end - digits));
    replaced = true;
  };
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(sql[i]);
    if (classes[c] == plain) {  // a run of bytes copied as they are
      std::size_t k = i + 1;
      while (k < n && classes[static_cast<unsigned char>(sql[k])] == plain) ++k;
      out.append(sql.data() + i, k - i);
      i = k;
      continue;
    }
    if (c >= 0x80 || c == '\\' || c == 0) return false;
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {  // comment to the end of the line
      std::size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = n;
      for (std::size_t k = i; k < end; ++k)
        if (static_cast<unsigned char>(sql[k]) >= 0x80 || sql[k] == '\r') return false;
      out.append(sql.substr(i, end - i));
      i = end;
      continue;
    }
    if (c == '/' && i + 1 < n && sql[i + 1] == '*') return false;  // block comments nest: not here
    if (c == '\'') {
      // A standard string: '' is the only escape. Glued to an identifier
      // character it would be a prefixed or typed literal: give up.
      // U&'...' is one token: give up on a quote after '&' as well.
      if (i > 0 && (ident_char(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '&')) return false;
      std::size_t k = i + 1;
      for (;;) {
        if (k >= n) return false;  // unterminated
        unsigned char d = static_cast<unsigned char>(sql[k]);
        if (d >= 0x80 || d == '\\' || d == 0) return false;
        if (d == '\'') {
          if (k + 1 < n && sql[k + 1] == '\'') {
            k += 2;
            continue;
          }
          break;
        }
        ++k;
      }
      // Glued to what follows ('x'abc), the shape would read differently.
      if (k + 1 < n && (ident_char(static_cast<unsigned char>(sql[k + 1])) || sql[k + 1] == '\'' )) return false;
      // Adjacent string constants separated by a newline are concatenated
      // by PostgreSQL: a quote right after this one's whitespace: give up.
      std::size_t after = k + 1;
      while (after < n && (sql[after] == ' ' || sql[after] == '\t' || sql[after] == '\n' || sql[after] == '\r'))
        ++after;
      if (after < n && sql[after] == '\'') return false;
      param();
      i = k + 1;
      continue;
    }
    if (c == '"') {  // a quoted identifier: copied as it is
      std::size_t k = i + 1;
      for (;;) {
        if (k >= n) return false;
        unsigned char d = static_cast<unsigned char>(sql[k]);
        if (d >= 0x80 || d == 0) return false;
        if (d == '"') {
          if (k + 1 < n && sql[k + 1] == '"') {
            k += 2;
            continue;
          }
          break;
        }
        ++k;
      }
      out.append(sql.substr(i, k + 1 - i));
      i = k + 1;
      continue;
    }
    if (c == '$') {
      // $n parameters are kept; anything else ($tag$ quoting) gives up.
      std::size_t k = i + 1;
      while (k < n && digit(static_cast<unsigned char>(sql[k]))) ++k;
      if (k == i + 1 || (k < n && ident_char(static_cast<unsigned char>(sql[k])))) return false;
      out.append(sql.substr(i, k - i));
      i = k;
      continue;
    }
    if (digit(c) || (c == '.' && i + 1 < n && digit(static_cast<unsigned char>(sql[i + 1])))) {
      if (i > 0 && (ident_char(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '.')) {
        // Part of an identifier (t1) or of a qualified name: copy the run.
        std::size_t k = i;
        while (k < n && ident_char(static_cast<unsigned char>(sql[k]))) ++k;
        if (k == i) ++k;
        out.append(sql.substr(i, k - i));
        i = k;
        continue;
      }
      // An unsigned integer or decimal; exponents and anything glued to it
      // (1e5, 1..2, 0x1F, 123abc) give up.
      std::size_t k = i;
      while (k < n && digit(static_cast<unsigned char>(sql[k]))) ++k;
      if (k < n && sql[k] == '.') {
        ++k;
        while (k < n && digit(static_cast<unsigned char>(sql[k]))) ++k;
      }
      if (k < n && (ident_char(static_cast<unsigned char>(sql[k])) || sql[k] == '.')) return false;
      param();
      i = k;
      continue;
    }
    if (ident_char(c)) {  // keywords and identifiers, copied whole
      std::size_t k = i;
      while (k < n && ident_char(static_cast<unsigned char>(sql[k]))) ++k;
      out.append(sql.substr(i, k - i));
      i = k;
      continue;
    }
    out += static_cast<char>(c);
    ++i;
  }
  return replaced;
}

std::optional<std::string> statement_shape(std::string_view sql) {
  std::string out;
  if (!statement_shape(sql, out)) return std::nullopt;
  return out;
}

}  // namespace gh::sql::pg
