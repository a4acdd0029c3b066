// Records <-> store rows, and the audit events that record each change to a
// review or a grant. Internal to the board and the book.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "audit/event.hpp"
#include "gateway/grant_book.hpp"
#include "gateway/review_board.hpp"
#include "store/review_store.hpp"

namespace gh::gateway {

store::review_row to_row(const review_record& r);
// nullopt when the row's kind or state is not one this build knows (a row
// edited by hand): such a review is shown as nothing rather than guessed at.
std::optional<review_record> from_row(const store::review_row& row);
std::optional<review_state> review_state_from(std::string_view text) noexcept;

store::grant_row to_row(const grant_record& g);
grant_record from_row(const store::grant_row& row);

// "30m", "1h30m", "2d": as the config file and the CLI write durations.
std::string duration_text(std::chrono::seconds d);

// kind review: principal the requester, decision the review's state, ref its
// id, reviewer who decided; `statement` the SQL when it opens (statement
// reviews), else what happened.
audit::event review_event(const review_record& r, sys_time now);
// kind grant: principal the holder, decision `what` (added, revoked,
// expired), reviewer who granted or revoked, ref the grant's id.
audit::event grant_event(const grant_record& g, std::string_view what, std::string_view by,
                         sys_time now);

}  // namespace gh::gateway
