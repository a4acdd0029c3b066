// What setting a system variable does (docs/classification-mysql.md, "SET").
// Internal to sql/mysql.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sql/classification.hpp"

namespace gh::sql::mysql {

struct variable_verdict {
  statement_class cls = statement_class::admin;
  std::string reason;
};

// The value a SET gives, as far as the classifier can know it.
struct variable_value {
  std::optional<std::string> text;  // a constant: 'x', x, 1, ON
  bool is_default = false;          // DEFAULT
};

// `lower_name` is the variable's name in lower case, session scope.
variable_verdict classify_variable(std::string_view lower_name, const variable_value& value);

// The character sets the lexer's assumptions hold for (bytes >= 0x80 are
// identifier bytes and never end in a quote or backslash).
bool is_lexable_charset(std::string_view name) noexcept;

// MySQL's boolean spellings for ON: 1, ON, TRUE (any case).
bool is_true_value(std::string_view v) noexcept;

}  // namespace gh::sql::mysql
