// One statement's tokens with its parentheses matched, and the small helpers
// the rule files read them with. Internal to sql/mysql.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/classification.hpp"
#include "sql/mysql/lexer.hpp"

namespace gh::sql::mysql {

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

struct statement_tokens {
  std::vector<token> tokens;
  // For a '(' the index of its ')', for a ')' the index of its '('; npos otherwise.
  std::vector<std::size_t> partner;
  lex_mode mode;
  std::string_view text;  // the statement's text, first token to last

  std::size_t size() const noexcept { return tokens.size(); }
  const token& operator[](std::size_t i) const noexcept { return tokens[i]; }
  // A word equal to `upper` (an upper-case keyword), ignoring case.
  bool is(std::size_t i, std::string_view upper) const noexcept;
  bool is_punct(std::size_t i, std::string_view p) const noexcept;
  bool is_open(std::size_t i) const noexcept { return is_punct(i, "("); }
  // The index after the group opened at `i` (a '(').
  std::size_t after_group(std::size_t i) const noexcept { return partner[i] + 1; }
  // The word at i in upper case; empty for other tokens.
  std::string upper_word(std::size_t i) const;
};

// Matches parentheses; false when they do not balance.
bool match_parentheses(statement_tokens& s);

// ASCII case folding (identifiers may hold UTF-8, which folds as is).
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view upper) noexcept;

// The strictest class seen so far and the reason of the first that set it.
struct effect {
  statement_class cls = statement_class::read;
  std::string reason;
  void raise(statement_class c, std::string why) {
    if (reason.empty() ? c >= cls : c > cls) {
      cls = c;
      reason = std::move(why);
    }
  }
  void raise(const effect& other) {
    if (!other.reason.empty()) raise(other.cls, other.reason);
  }
};

// What a statement's parts were found to do and to name.
struct statement_facts {
  effect structure;  // the statement itself: its kind, locking, INTO OUTFILE
  effect calls;      // its function calls
  std::vector<table_name> tables;
  std::vector<std::string> functions;
  std::vector<std::string> aliases;  // table aliases declared (multi-table DELETE)
  std::size_t depth = 0;
  bool too_deep = false;

  void add_table(table_name t);
  void add_function(std::string f);
  effect total() const {
    effect e = structure;
    e.raise(calls);
    return e;
  }
};

}  // namespace gh::sql::mysql
