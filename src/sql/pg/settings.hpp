// Which run-time settings (GUCs) a statement may change, and at which class
// (docs/classification.md, "Settings"). Applies to SET, RESET, SET LOCAL,
// BEGIN/SET TRANSACTION modes and set_config(). Pure; no parser types.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sql/classification.hpp"

namespace gh::sql::pg {

struct setting_verdict {
  statement_class cls = statement_class::admin;
  std::string reason;
};

// `name` as written (compared case-insensitively, as PostgreSQL does).
// `value` is the new value when it is a constant; nullopt for RESET, DEFAULT,
// FROM CURRENT, or an expression. Settings whose safety depends on the value
// (read-only state, client_encoding) are admin unless the value is a known
// safe constant; anything not known to be harmless is admin.
setting_verdict classify_setting(std::string_view name, std::optional<std::string_view> value);

// PostgreSQL's parse_bool for a constant: on/off, true/false, yes/no, 1/0 and
// their unique prefixes, any case; nullopt when it is none of them.
std::optional<bool> parse_pg_bool(std::string_view value) noexcept;

}  // namespace gh::sql::pg
