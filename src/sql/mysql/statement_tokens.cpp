#include "sql/mysql/statement_tokens.hpp"

#include <algorithm>

namespace gh::sql::mysql {

bool statement_tokens::is(std::size_t i, std::string_view upper) const noexcept {
  return i < tokens.size() && tokens[i].kind == token_kind::word && iequals(tokens[i].text, upper);
}

bool statement_tokens::is_punct(std::size_t i, std::string_view p) const noexcept {
  return i < tokens.size() && tokens[i].kind == token_kind::punct && tokens[i].text == p;
}

std::string statement_tokens::upper_word(std::size_t i) const {
  if (i >= tokens.size() || tokens[i].kind != token_kind::word) return {};
  return to_upper(tokens[i].text);
}

bool match_parentheses(statement_tokens& s) {
  s.partner.assign(s.tokens.size(), npos);
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < s.tokens.size(); ++i) {
    if (s.is_punct(i, "(")) {
      open.push_back(i);
    } else if (s.is_punct(i, ")")) {
      if (open.empty()) return false;
      s.partner[i] = open.back();
      s.partner[open.back()] = i;
      open.pop_back();
    }
  }
  return open.empty();
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool iequals(std::string_view a, std::string_view upper) noexcept {
  if (a.size() != upper.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

void statement_facts::add_table(table_name t) {
  if (std::find(tables.begin(), tables.end(), t) == tables.end()) tables.push_back(std::move(t));
}

void statement_facts::add_function(std::string f) {
  if (std::find(functions.begin(), functions.end(), f) == functions.end())
    functions.push_back(std::move(f));
}

}  // namespace gh::sql::mysql
