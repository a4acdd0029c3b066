// The lexer: token streams, the server's comment and quoting rules, where it
// refuses, and that it never reads past the end of its text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/mysql/lexer.hpp"

namespace gh::sql::mysql {
namespace {

struct lexed {
  std::vector<std::string> tokens;  // "kind:text"
  std::string error;
};

const char* name(token_kind k) {
  switch (k) {
    case token_kind::word: return "w";
    case token_kind::number: return "n";
    case token_kind::quoted_identifier: return "q";
    case token_kind::string: return "s";
    case token_kind::hex_string: return "x";
    case token_kind::bit_string: return "b";
    case token_kind::user_variable: return "u";
    case token_kind::system_variable: return "@@";
    case token_kind::placeholder: return "?";
    case token_kind::semicolon: return ";";
    case token_kind::punct: return "p";
    case token_kind::end: return "end";
    case token_kind::error: return "error";
  }
  return "?";
}

lexed lex(std::string_view sql, lex_mode mode = {}) {
  lexer lx(sql, mode);
  lexed out;
  for (int guard = 0; guard < 10000; ++guard) {
    const token t = lx.next();
    if (t.kind == token_kind::end) return out;
    if (t.kind == token_kind::error) {
      out.error = std::string(lx.error());
      return out;
    }
    out.tokens.push_back(std::string(name(t.kind)) + (t.executable ? "!" : "") + ":" +
                         std::string(t.text));
  }
  ADD_FAILURE() << "the lexer does not end";
  return out;
}

using strings = std::vector<std::string>;

TEST(mysql_lexer, words_numbers_operators) {
  EXPECT_EQ(lex("SELECT a.b, 1.5e3, .5, 0x1F, 0b01, 1abc FROM t").tokens,
            (strings{"w:SELECT", "w:a", "p:.", "w:b", "p:,", "n:1.5e3", "p:,", "n:.5", "p:,",
                     "n:0x1F", "p:,", "n:0b01", "p:,", "w:1abc", "w:FROM", "w:t"}));
  EXPECT_EQ(lex("a<=>b:=c->>d!=e").tokens,
            (strings{"w:a", "p:<=>", "w:b", "p::=", "w:c", "p:->>", "w:d", "p:!=", "w:e"}));
  EXPECT_EQ(lex("db.1t").tokens, (strings{"w:db", "p:.", "w:1t"}));
  // Found by mysql_classify_fuzz: a number starting with '.' then a letter.
  EXPECT_EQ(lex("5.50.1R 1.5abc 1e5x .5e 1ea").tokens,
            (strings{"n:5.50", "n:.1", "w:R", "n:1.5", "w:abc", "n:1e5", "w:x", "n:.5", "w:e", "w:1ea"}));
  EXPECT_EQ(lex("? $x _y \xc3\xa9").tokens, (strings{"?:?", "w:$x", "w:_y", "w:\xc3\xa9"}));
}

TEST(mysql_lexer, dash_dash_is_a_comment_only_before_a_space_or_control_byte) {
  EXPECT_EQ(lex("1--1").tokens, (strings{"n:1", "p:-", "p:-", "n:1"}));
  EXPECT_EQ(lex("1-- 1").tokens, (strings{"n:1"}));
  EXPECT_EQ(lex("1--\t1").tokens, (strings{"n:1"}));
  EXPECT_EQ(lex(std::string("1--\x01" "1")).tokens, (strings{"n:1"}));
  EXPECT_EQ(lex("1--").tokens, (strings{"n:1"}));
  EXPECT_EQ(lex("1---1").tokens, (strings{"n:1", "p:-", "p:-", "p:-", "n:1"}));
  EXPECT_EQ(lex("1-- x\n2").tokens, (strings{"n:1", "n:2"}));
  EXPECT_NE(lex("1--\xa0x").error, "");  // latin1 reads 0xA0 as a space
}

TEST(mysql_lexer, hash_comments_end_at_a_newline_only) {
  EXPECT_EQ(lex("1 # x\r2\n3").tokens, (strings{"n:1", "n:3"}));
  EXPECT_EQ(lex("1 #").tokens, (strings{"n:1"}));
}

TEST(mysql_lexer, block_comments_do_not_nest) {
  EXPECT_EQ(lex("1 /* /* */ 2").tokens, (strings{"n:1", "n:2"}));
  EXPECT_EQ(lex("1 /*/ 2 */ 3").tokens, (strings{"n:1", "n:3"}));
  EXPECT_EQ(lex("1 */ 2").tokens, (strings{"n:1", "p:*", "p:/", "n:2"}));
  EXPECT_NE(lex("1 /* x").error, "");
  EXPECT_EQ(lex("1 /*m! x */").tokens, (strings{"n:1"}));  // MariaDB wants M
}

TEST(mysql_lexer, executable_comments_are_code) {
  EXPECT_EQ(lex("/*! a */ b").tokens, (strings{"w!:a", "w:b"}));
  EXPECT_EQ(lex("/*!50000a*/").tokens, (strings{"w!:a"}));
  EXPECT_EQ(lex("/*!500001 a*/").tokens, (strings{"w!:a"}));  // six digits: a version
  EXPECT_EQ(lex("/*!5000 a*/").tokens, (strings{"n!:5000", "w!:a"}));  // four: content
  EXPECT_EQ(lex("/*M!100000 a */").tokens, (strings{"w!:a"}));
  EXPECT_EQ(lex("/*M! a */").tokens, (strings{"w!:a"}));
  EXPECT_EQ(lex("/*! 'x' */").tokens, (strings{"s!:'x'"}));
}

// A server that skips a versioned comment lets one nested /* */ inside it,
// wherever it stands for us; one that runs it reads code. Which one a server
// does depends on its version, so any /* before the first */ is an error.
TEST(mysql_lexer, a_nested_comment_opener_in_an_executable_comment_is_an_error) {
  for (const char* sql : {"/*! a /* b */ c */", "/*!99999 '/*' */ , ' */ ; SELECT 1; -- '",
                          "/*!99999 `/*` */ x */", "/*!99999 -- /*\n */ x */", "/*!99999 # /*\n */ x */",
                          "/*!50700 \"/*\" */ x */", "/*M!999999 '/*' */ x */", "/*!40101 '/*' */ x */",
                          "/*!99999/*/ x */", "/*! @'/*' */ x */", "/*!/**/*/"}) {
    const lexed l = lex(sql);
    EXPECT_FALSE(l.error.empty()) << sql;
    EXPECT_NE(l.error.find("'/*'"), std::string::npos) << sql << ": " << l.error;
  }
  EXPECT_EQ(lex("/*!99999 a */ /* b */ c").tokens, (strings{"w!:a", "w:c"}));
  EXPECT_EQ(lex("/*! a */ '/*'").tokens, (strings{"w!:a", "s:'/*'"}));
  EXPECT_EQ(lex("/* '/*' */ a").tokens, (strings{"w:a"}));
}

TEST(mysql_lexer, executable_comments_some_server_may_skip_are_conditional) {
  std::vector<bool> conditional;
  lexer lx("/*!40101 a */ /*!50700 b */ /*M! c */ /*! d */ /*!100500 e */ f", {});
  for (token t = lx.next(); t.kind == token_kind::word; t = lx.next()) conditional.push_back(t.conditional);
  EXPECT_EQ(conditional, (std::vector<bool>{false, true, true, false, true, false}));
}

TEST(mysql_lexer, executable_comments_refuse_what_a_skipping_server_reads_otherwise) {
  EXPECT_NE(lex("/*!99999 '*/' */").error, "");
  EXPECT_NE(lex("/*!99999 `*/` */").error, "");
  EXPECT_NE(lex("/*!99999 \"*/\" */").error, "");
  EXPECT_NE(lex("/*!99999 @'*/' */").error, "");
  EXPECT_NE(lex("/*!99999 # */\n */").error, "");
  EXPECT_NE(lex("/*!99999 -- */\n */").error, "");
  EXPECT_NE(lex("/*! a; b */").error, "");
  EXPECT_NE(lex("/*! /*! a */ */").error, "");
  EXPECT_NE(lex("/*! a").error, "");
  EXPECT_NE(lex("/*!").error, "");
}

TEST(mysql_lexer, strings_and_identifiers) {
  EXPECT_EQ(lex("'a''b' 'c\\'d' \"e\"\"f\" `g``h`").tokens,
            (strings{"s:'a''b'", "s:'c\\'d'", "s:\"e\"\"f\"", "q:`g``h`"}));
  EXPECT_EQ(lex("'a\\'; x'").tokens, (strings{"s:'a\\'; x'"}));
  EXPECT_EQ(lex("X'41' x'' B'01' b'' N'a' _utf8mb4'b'").tokens,
            (strings{"x:X'41'", "x:x''", "b:B'01'", "b:b''", "w:N", "s:'a'", "w:_utf8mb4", "s:'b'"}));
  EXPECT_NE(lex("X'4'").error, "");
  EXPECT_NE(lex("X'4G'").error, "");
  EXPECT_NE(lex("B'2'").error, "");
  EXPECT_NE(lex("'open").error, "");
  EXPECT_NE(lex("'open\\'").error, "");
  EXPECT_NE(lex("`open").error, "");
}

TEST(mysql_lexer, sql_mode_changes_quotes) {
  const lex_mode ansi{false, true};
  const lex_mode nbe{true, false};
  // ANSI_QUOTES: "a\" is a name (no backslash escapes), then b, then an open quote.
  const lexed a = lex("\"a\\\"b\"", ansi);
  EXPECT_EQ(a.tokens, (strings{"q:\"a\\\"", "w:b"}));
  EXPECT_NE(a.error, "");
  EXPECT_EQ(lex("\"a\"\"b\"", ansi).tokens, (strings{"q:\"a\"\"b\""}));
  // NO_BACKSLASH_ESCAPES: 'a\' ends at its second quote.
  EXPECT_EQ(lex("'a\\', 'b'", nbe).tokens, (strings{"s:'a\\'", "p:,", "s:'b'"}));
  const lexed d = lex("'a\\', 'z'");  // not 'b': b' opens a bit literal
  EXPECT_EQ(d.tokens, (strings{"s:'a\\', '", "w:z"}));
  EXPECT_NE(d.error, "");
}

TEST(mysql_lexer, variables) {
  EXPECT_EQ(lex("@a.b$c @'x y' @`z` @@global.x").tokens,
            (strings{"u:@a.b$c", "u:@'x y'", "u:@`z`", "@@:@@", "w:global", "p:.", "w:x"}));
  EXPECT_NE(lex("@ x").error, "");
}

TEST(mysql_lexer, refuses_control_bytes_outside_strings) {
  EXPECT_NE(lex(std::string("SELECT \x01 1")).error, "");
  EXPECT_NE(lex(std::string("SELECT \0 1", 10)).error, "");
  EXPECT_EQ(lex(std::string("SELECT '\x01'")).tokens, (strings{"w:SELECT", "s:'\x01'"}));
}

TEST(mysql_lexer, values_decode_as_the_server_does) {
  auto first = [](std::string_view sql, lex_mode mode = {}) {
    lexer lx(sql, mode);
    return lx.next();
  };
  EXPECT_EQ(string_value(first("'a''b\\'c\\n\\%'"), {}), "a'b'c\n\\%");
  EXPECT_EQ(string_value(first("'a\\'", {true, false}), {true, false}), "a\\");
  EXPECT_EQ(identifier_value(first("`a``b`"), {}), "a`b");
  EXPECT_EQ(identifier_value(first("\"a\"\"b\"", {false, true}), {false, true}), "a\"b");
  EXPECT_EQ(identifier_value(first("@'x''y'"), {}), "x'y");
  EXPECT_EQ(identifier_value(first("@name"), {}), "name");
}

// Every prefix of texts that end inside each construct: the lexer stops with
// `end` or `error`, never reads past its view (ASan builds catch a read), and
// the tokens it returns lie within the text.
TEST(mysql_lexer, every_prefix_ends_cleanly) {
  const std::string texts[] = {
      "SELECT 'a\\'b' /*! x /* y */ */ -- c\n#d\n`e``f` \"g\" X'41' B'1' @'h' @@i 1.5e-3 0x1f ->> ;",
      "/*M!100000 a */ /*!50000 b */ --\x01 c\n 1--1 @a.b ? :=",
  };
  for (const auto& text : texts) {
    for (std::size_t n = 0; n <= text.size(); ++n) {
      const std::string prefix = text.substr(0, n);  // its own buffer: no bytes beyond
      for (bool nbe : {false, true})
        for (bool ansi : {false, true}) {
          lexer lx(prefix, {nbe, ansi});
          for (int i = 0; i < 1000; ++i) {
            const token t = lx.next();
            if (t.kind == token_kind::end || t.kind == token_kind::error) break;
            ASSERT_LE(t.offset + t.text.size(), prefix.size());
          }
        }
    }
  }
}

}  // namespace
}  // namespace gh::sql::mysql
