// The shape of a statement: its text with numeric and string constants
// replaced by parameters ("... WHERE aid = 12345" -> "... WHERE aid = $9001"),
// so that a classification cache can serve statements that differ only in
// their constants (pgbench -M simple, agents that inline values) without
// parsing each one.
//
// Safety rests on two things. First, this lexer is deliberately narrow: it
// replaces a constant only where it is certain how PostgreSQL (with
// standard_conforming_strings on, which the gateway enforces) reads the
// text, and gives up (nullopt) on anything else: backslashes, dollar
// quoting, block comments, prefixed strings (E'', U&'', B'', X'', N''),
// non-ASCII bytes, a quote glued to an identifier, a number glued to a
// letter or a dot. Second, the caller trusts a shape only after checking
// that classifying the shape gives the same result as classifying a real
// statement of that shape; the classifier treats unknown values (parameters)
// as strictly as any value, so a shape is never laxer than its statements.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gh::sql::pg {

// The shape of `sql`, or nullopt when it has no constant to replace or when
// the lexer is not certain of every token boundary.
std::optional<std::string> statement_shape(std::string_view sql);
// The same into `out` (its capacity reused), false for nullopt.
bool statement_shape(std::string_view sql, std::string& out);

}  // namespace gh::sql::pg
