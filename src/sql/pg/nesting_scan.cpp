#include "sql/pg/nesting_scan.hpp"

#include <cstdint>
#include <vector>

namespace gh::sql::pg {
namespace {

bool ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool ident_cont(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }
bool digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool keyword_is(std::string_view word, std::string_view kw) {
  if (word.size() != kw.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kw[i]) return false;
  }
  return true;
}

enum class word_kind { other, and_, reset, between, case_, end, chain };

word_kind classify_word(std::string_view w) {
  if (w.size() < 2 || w.size() > 9) return word_kind::other;
  if (keyword_is(w, "and")) return word_kind::and_;
  if (keyword_is(w, "or") || keyword_is(w, "when") || keyword_is(w, "then") ||
      keyword_is(w, "else"))
    return word_kind::reset;
  if (keyword_is(w, "between")) return word_kind::between;
  if (keyword_is(w, "case")) return word_kind::case_;
  if (keyword_is(w, "end")) return word_kind::end;
  if (keyword_is(w, "union") || keyword_is(w, "intersect") || keyword_is(w, "except") ||
      keyword_is(w, "join"))
    return word_kind::chain;
  return word_kind::other;
}

class scanner {
 public:
  scanner(std::string_view sql, std::size_t limit) : s_(sql), limit_(limit) {
    levels_.reserve(16);
    levels_.push_back({});
    sum_ = 1;
  }

  std::size_t run() {
    while (i_ < s_.size() && max_ <= limit_) step();
    return max_;
  }

 private:
  struct level {
    std::uint32_t expr = 0;
    std::uint32_t chain = 0;
    bool is_case = false;
    bool between = false;
  };

  void note() {
    if (sum_ > max_) max_ = sum_;
  }
  void token() {
    ++levels_.back().expr;
    ++sum_;
    note();
  }
  void reset() {
    sum_ -= levels_.back().expr;
    levels_.back().expr = 0;
    levels_.back().between = false;
  }
  void push(bool is_case) {
    token();
    levels_.push_back({0, 0, is_case, false});
    ++sum_;
    note();
  }
  void pop() {
    if (levels_.size() == 1) return;
    sum_ -= 1 + levels_.back().expr + levels_.back().chain;
    levels_.pop_back();
  }

  void step() {
    const char c = s_[i_];
    const char n = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i_;
    } else if (c == '-' && n == '-') {
      while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
    } else if (c == '/' && n == '*') {
      block_comment();
    } else if (c == '\'') {
      quoted('\'', false);
    } else if (c == '"') {
      quoted('"', false);
    } else if (c == '$') {
      dollar();
    } else if (ident_start(static_cast<unsigned char>(c))) {
      word();
    } else if (digit(static_cast<unsigned char>(c)) ||
               (c == '.' && digit(static_cast<unsigned char>(n)))) {
      number();
    } else {
      punctuation(c);
    }
  }

  void punctuation(char c) {
    ++i_;
    switch (c) {
      case '(': case '[': push(false); break;
      case ')': case ']': pop(); break;
      case ',': reset(); break;
      case ';': reset(); sum_ -= levels_.back().chain; levels_.back().chain = 0; break;
      default: token(); break;  // operator characters, '.', anything else
    }
  }

  // /* ... */ comments nest in PostgreSQL.
  void block_comment() {
    std::size_t depth = 0;
    while (i_ + 1 < s_.size()) {
      if (s_[i_] == '/' && s_[i_ + 1] == '*') {
        ++depth;
        i_ += 2;
      } else if (s_[i_] == '*' && s_[i_ + 1] == '/') {
        i_ += 2;
        if (--depth == 0) return;
      } else {
        ++i_;
      }
    }
    i_ = s_.size();  // unterminated: the parser rejects it
  }

  // '...' and "..." with the quote doubled inside; E'...' also takes \x escapes.
  void quoted(char q, bool backslash_escapes) {
    token();
    ++i_;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (backslash_escapes && c == '\\') {
        i_ += 2;
      } else if (c == q) {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == q) {
          i_ += 2;
        } else {
          ++i_;
          return;
        }
      } else {
        ++i_;
      }
    }
    i_ = s_.size();
  }

  // $1 parameters, $tag$...$tag$ strings, or a stray '$'.
  void dollar() {
    const std::size_t start = i_;
    std::size_t j = i_ + 1;
    if (j < s_.size() && digit(static_cast<unsigned char>(s_[j]))) {
      while (j < s_.size() && digit(static_cast<unsigned char>(s_[j]))) ++j;
      i_ = j;
      token();
      return;
    }
    if (j < s_.size() && ident_start(static_cast<unsigned char>(s_[j]))) {
      while (j < s_.size() && s_[j] != '$' && ident_cont(static_cast<unsigned char>(s_[j]))) ++j;
    }
    if (j >= s_.size() || s_[j] != '$') {
      ++i_;
      token();
      return;
    }
    const std::string_view tag = s_.substr(start, j - start + 1);
    const std::size_t close = s_.find(tag, j + 1);
    i_ = close == std::string_view::npos ? s_.size() : close + tag.size();
    token();
  }

  void word() {
    const char c = s_[i_];
    const char n = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
    const char n2 = i_ + 2 < s_.size() ? s_[i_ + 2] : '\0';
    if ((c == 'e' || c == 'E') && n == '\'') {
      ++i_;
      return quoted('\'', true);
    }
    if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && n == '\'') {
      ++i_;
      return quoted('\'', false);
    }
    if ((c == 'u' || c == 'U') && n == '&' && (n2 == '\'' || n2 == '"')) {
      i_ += 2;
      return quoted(n2, false);
    }
    const std::size_t start = i_;
    while (i_ < s_.size() && ident_cont(static_cast<unsigned char>(s_[i_]))) ++i_;
    keyword(s_.substr(start, i_ - start));
  }

  void keyword(std::string_view w) {
    level& top = levels_.back();
    switch (classify_word(w)) {
      case word_kind::and_:
        if (top.between) {
          top.between = false;
          token();
        } else {
          reset();
        }
        break;
      case word_kind::reset: reset(); break;
      case word_kind::between: top.between = true; token(); break;
      case word_kind::case_: push(true); break;
      case word_kind::end:
        if (top.is_case) pop();
        else token();
        break;
      case word_kind::chain:  // siblings on either side, nested left-deep: count, then reset
        reset();
        ++levels_.back().chain;
        ++sum_;
        note();
        break;
      case word_kind::other: token(); break;
    }
  }

  void number() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (digit(static_cast<unsigned char>(c)) || c == '.') {
        ++i_;
      } else if ((c == 'e' || c == 'E') && i_ + 1 < s_.size()) {
        std::size_t j = i_ + 1;
        if (s_[j] == '+' || s_[j] == '-') ++j;
        if (j < s_.size() && digit(static_cast<unsigned char>(s_[j]))) i_ = j;
        else break;
      } else {
        break;
      }
    }
    token();
  }

  std::string_view s_;
  std::size_t limit_;
  std::size_t i_ = 0;
  std::vector<level> levels_;
  std::size_t sum_ = 0;
  std::size_t max_ = 0;
};

}  // namespace

std::size_t nesting_bound(std::string_view sql, std::size_t limit) noexcept {
  // The vector may throw bad_alloc; treat that as over the limit.
  try {
    return scanner(sql, limit).run();
  } catch (...) {
    return limit + 1;
  }
}

}  // namespace gh::sql::pg
