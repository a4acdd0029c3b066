#include "sql/mysql/classify.hpp"

#include "sql/mysql/query_scan.hpp"
#include "sql/mysql/statement_rules.hpp"

namespace gh::sql::mysql {
namespace {

statement_info unknown_info(std::string kind, std::string reason) {
  statement_info info;
  info.cls = statement_class::unknown;
  info.kind = std::move(kind);
  info.reason = std::move(reason);
  return info;
}

classification refused(std::string kind, std::string reason) {
  classification out;
  out.cls = statement_class::unknown;
  out.reason = reason;
  out.statements.push_back(unknown_info(std::move(kind), std::move(reason)));
  return out;
}

statement_info assemble(statement_rule& rule, statement_facts& facts) {
  statement_info info;
  info.kind = rule.kind;
  info.tables = std::move(facts.tables);
  info.functions = std::move(facts.functions);
  info.prepared_name = std::move(rule.prepared_name);
  info.settings = std::move(rule.settings);
  effect e;
  if (facts.too_deep) {
    e.raise(statement_class::unknown, "the statement nests too deeply to classify");
  } else if (facts.structure.reason.empty()) {
    e.raise(statement_class::unknown, "no rule classified the statement");  // never a silent read
  } else {
    e = facts.total();
  }
  if (rule.executes && e.cls != statement_class::unknown) {
    info.execute_floor = e.cls;
    e = effect{};
    e.raise(statement_class::unknown, "executes prepared statement " + info.prepared_name);
  } else if (rule.executes) {
    info.execute_floor = statement_class::unknown;
  }
  info.cls = e.cls;
  info.reason = std::move(e.reason);
  return info;
}

// Lexes the next statement (up to ';' or the end); false on a lexing error.
bool next_statement(lexer& lx, statement_tokens& s, bool& at_end) {
  for (;;) {
    const token t = lx.next();
    if (t.kind == token_kind::error) return false;
    if (t.kind == token_kind::end) {
      at_end = true;
      return true;
    }
    if (t.kind == token_kind::semicolon) return true;
    s.tokens.push_back(t);
  }
}

// What the session tracks (the database, sql_mode, the character set,
// prepared statements) must be certain: a server may skip a conditional
// executable comment, and the session would then follow a change that never
// happened (`/*!99999 USE other */`).
bool tracked_from_conditional_comment(const statement_tokens& s, const statement_rule& rule) {
  const bool tracked = !rule.settings.empty() || !rule.prepared_name.empty() ||
                       rule.next_mode || rule.next_mode_unknown;
  if (!tracked) return false;
  for (const auto& t : s.tokens)
    if (t.conditional) return true;
  return false;
}

}  // namespace

statement_rule rule_for(rule_context& c, std::size_t b) {
  if (b >= c.s.size()) {
    c.raise(statement_class::read, "an empty statement");
    return {"empty"};
  }
  if (c.s.is(b, "DELIMITER")) {
    c.scan.not_modelled("DELIMITER is a command of the mysql client, never sent to the server");
    return {"unknown"};
  }
  for (auto* family : {dml_rule, session_rule, explain_rule, ddl_rule, utility_rule}) {
    statement_rule r = family(c, b);
    if (!r.kind.empty()) return r;
  }
  c.scan.not_modelled("statement " + std::string(c.s[b].text) + " is not modelled");
  return {"unknown"};
}

classification classify_text(std::string_view text, const classify_options& options,
                             lex_mode mode, std::size_t nesting) {
  if (text.size() > options.max_statement_bytes)
    return refused("unparsed", "the statement is " + std::to_string(text.size()) +
                                   " bytes, over the limit of " +
                                   std::to_string(options.max_statement_bytes));
  if (text.find('\0') != std::string_view::npos)
    return refused("unparsed", "the statement contains a NUL byte");
  if (nesting > options.max_depth) return refused("unparsed", "statements nest too deeply");

  classification out;
  out.cls = statement_class::read;
  out.reason = "empty query";
  lexer lx(text, mode);
  bool mode_known = true;
  auto add = [&out](statement_info info) {
    if (out.statements.empty() || info.cls > out.cls) {
      out.cls = info.cls;
      out.reason = info.reason;
    }
    out.statements.push_back(std::move(info));
  };
  for (bool at_end = false; !at_end;) {
    statement_tokens s;
    s.mode = mode;
    if (!next_statement(lx, s, at_end)) {
      add(unknown_info("unparsed", "cannot lex the statement safely: " + std::string(lx.error())));
      break;
    }
    if (s.tokens.empty()) continue;  // ";;", trailing ';', a comment alone
    if (!mode_known) {
      add(unknown_info("unparsed", "an earlier statement set sql_mode to a value the classifier "
                                   "cannot know, so it cannot lex this one"));
      continue;
    }
    if (!match_parentheses(s)) {
      add(unknown_info("unparsed", "parentheses do not balance"));
      continue;
    }
    statement_facts facts;
    query_scan scan(s, options, facts);
    rule_context c{s, options, facts, scan, nesting};
    statement_rule rule = rule_for(c, 0);
    if (tracked_from_conditional_comment(s, rule)) {
      facts.structure.raise(statement_class::unknown,
                            "a change the session tracks (database, sql_mode, character set, "
                            "prepared statement) inside an executable comment a server may skip");
      rule.next_mode.reset();
      rule.next_mode_unknown = true;
    }
    add(assemble(rule, facts));
    if (rule.next_mode) {
      mode = *rule.next_mode;
      lx.set_mode(mode);
    } else if (rule.next_mode_unknown) {
      mode_known = false;
    }
  }
  return out;
}

classification classify(std::string_view sql, const classify_options& options) {
  try {
    return classify_text(sql, options, options.sql_mode, 0);
  } catch (...) {  // std::bad_alloc: fail closed rather than throw into a session
    classification out;
    out.reason = "classification failed for lack of memory";
    return out;
  }
}

std::uint64_t options_fingerprint(const classify_options& options) noexcept {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  auto mix = [&h](std::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(options.sql_mode.no_backslash_escapes ? "B" : "b");
  mix(options.sql_mode.ansi_quotes ? "Q" : "q");
  for (const auto& f : options.read_functions) {
    mix(f);
    mix(std::string_view("\0", 1));
  }
  for (std::uint64_t v : {std::uint64_t{options.max_statement_bytes}, std::uint64_t{options.max_depth}})
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  return h;
}

}  // namespace gh::sql::mysql
