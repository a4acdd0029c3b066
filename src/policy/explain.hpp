// The words of a decision: why, and what the agent can do next. Kept apart
// from decide.cpp so the order of the checks reads on one screen there.
// Internal to gh_policy.
#pragma once

#include <chrono>
#include <span>
#include <string>

#include "policy/decide.hpp"

namespace gh::policy::detail {

std::string describe_class(sql::statement_class c);
// "30m", "8h", "1h30m", "45s".
std::string format_duration(std::chrono::seconds d);
// The command that asks for a grant under jit rule `r`.
std::string grant_request_command(const rule& r);
std::string ask_admin(sql::statement_class c, std::string_view connection,
                      std::span<const sql::table_name> tables);

decision allowed_by(const rule& r, const request& q);
decision reviewed_by(const rule& r, const request& q);
// `closest` may be null: no rule names the principal on the connection.
decision denied(const rule* closest, const request& q);

}  // namespace gh::policy::detail
