// The MySQL/MariaDB lexer: SQL text in, tokens out, one step at a time.
// It follows the server's lexer (sql/sql_lex.cc, MariaDB 10.11 and MySQL 8):
// https://mariadb.com/kb/en/comment-syntax/ , https://dev.mysql.com/doc/refman/8.0/en/comments.html
//
// What it knows, and where it fails closed (an `error` token ends the stream):
//  * Comments `# ...\n`, `-- ...\n` (two dashes then a control byte, a space or
//    the end; `--1` is two minus signs) and `/* ... */` (no nesting: the first
//    `*/` ends it). `--` followed by a byte >= 0x80 is an error: latin1 reads
//    0xA0 as a space, so the server may see a comment where we would not. A
//    MySQL 8 optimizer hint `/*+ ... */` naming SET_VAR or RESOURCE_GROUP is
//    an error: it changes session state for the statement.
//  * Executable comments `/*! ... */`, `/*!NNNNN ... */`, `/*M! ... */`,
//    `/*M!NNNNNN ... */`: their content is code, whatever the version, and its
//    tokens carry `executable` (and `conditional` when some supported server
//    may skip the comment: /*M!, or a version from 50700). A server skips a version it does not run by
//    scanning to the first `*/`; so a `*/` inside a string, identifier or line
//    comment within one is an error (the two readings would end it at different
//    places), as are a nested executable comment, a `;` inside one, and one left
//    open at the end. So is any `/*` before the first `*/` of one: MariaDB lets
//    one nested comment inside a comment it skips, so `/*!99999 '/*' */ ...`
//    ends at the second `*/` for the server and at the first for us.
//  * Strings '...' and "..." with doubled quotes and, unless
//    no_backslash_escapes, backslash escapes; under ansi_quotes "..." is an
//    identifier (doubled "" only, no backslash escapes). `...` identifiers with
//    doubled backticks. X'hex', B'bits' (validated), N'..' and _charset'..' are
//    a word then a string, as the server lexes them.
//  * @user variables (@name with . _ $, or @'..', @"..", @`..`), @@ for system
//    variables, `?` placeholders, the multi-byte operators.
//  * Bytes >= 0x80 are identifier bytes (utf8mb4, utf8mb3: what the session
//    pins). A NUL byte or another control byte outside a string is an error.
// The lexer never reads past the end of the text and never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gh::sql::mysql {

// The sql_mode flags that change how text is lexed.
struct lex_mode {
  bool no_backslash_escapes = false;
  bool ansi_quotes = false;
  bool operator==(const lex_mode&) const = default;
};

enum class token_kind : std::uint8_t {
  end,                // no more tokens
  error,              // the text cannot be lexed safely; `error()` says why
  word,               // an unquoted identifier or keyword
  number,             // 12, 1.5, .5e3, 0x1F, 0b01
  quoted_identifier,  // `name`, or "name" under ansi_quotes (text keeps the quotes)
  string,             // 'text' or "text" (text keeps the quotes)
  hex_string,         // X'4142'
  bit_string,         // B'0101'
  user_variable,      // @name, @'name' (text keeps the @ and quotes)
  system_variable,    // the @@ before a system variable's name
  placeholder,        // ?
  semicolon,          // ; between statements
  punct,              // operators and punctuation: ( ) , . = := <=> ...
};

struct token {
  token_kind kind = token_kind::end;
  std::string_view text;  // a view into the SQL text
  std::size_t offset = 0;
  bool executable = false;  // inside an executable comment
  // Inside one some supported server may skip (/*M!, or a version from
  // 50700 up): what the session tracks must not come from it.
  bool conditional = false;
  // Whitespace or a comment came between this token and the previous one.
  bool spaced = false;
};

class lexer {
 public:
  lexer(std::string_view sql, lex_mode mode) noexcept : sql_(sql), mode_(mode) {}

  // The next token; `end` and `error` repeat once reached.
  token next() noexcept;
  // Lexing after the current position uses `mode` (a SET sql_mode between
  // statements of one multi-statement string).
  void set_mode(lex_mode mode) noexcept { mode_ = mode; }
  std::size_t position() const noexcept { return pos_; }
  std::string_view error() const noexcept { return error_; }

 private:
  token make(token_kind kind, std::size_t start) noexcept;
  token fail(std::string_view why) noexcept;
  // Skips whitespace and comments; false (after fail()) on a lexing error.
  bool skip_trivia(bool& spaced) noexcept;
  bool skip_line_comment() noexcept;
  bool open_block_comment() noexcept;
  token quoted(char quote, token_kind kind, bool escapes, std::size_t start) noexcept;
  token number_or_word(std::size_t start) noexcept;
  token word(std::size_t start) noexcept;
  token prefixed_literal(token_kind kind, std::size_t start) noexcept;
  token variable(std::size_t start) noexcept;
  token operator_token(std::size_t start) noexcept;
  // Checks a token or comment lexed inside an executable comment.
  bool clean_inside_executable(std::size_t start) noexcept;

  char at(std::size_t i) const noexcept { return i < sql_.size() ? sql_[i] : '\0'; }
  bool has(std::size_t i) const noexcept { return i < sql_.size(); }

  std::string_view sql_;
  lex_mode mode_;
  std::size_t pos_ = 0;
  bool in_executable_ = false;
  bool in_conditional_ = false;
  bool previous_ident_ = false;   // the last token was a word or quoted identifier
  bool ident_after_dot_ = false;  // the last token was a '.' right after one
  bool done_ = false;
  token_kind final_ = token_kind::end;
  std::string_view error_;
};

// The value of a string token: quotes removed, doubled quotes and (unless
// no_backslash_escapes) backslash escapes decoded as the server does.
std::string string_value(const token& t, lex_mode mode);
// The name a word, quoted_identifier or user_variable token stands for
// (quotes removed, doubled quotes decoded; a user variable without its @).
std::string identifier_value(const token& t, lex_mode mode);

}  // namespace gh::sql::mysql
