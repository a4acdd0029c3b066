#include "gateway/review_board.hpp"

#include "gateway/grant_book.hpp"

namespace gh::gateway {

std::string_view to_string(review_state s) noexcept {
  switch (s) {
    case review_state::pending: return "pending";
    case review_state::approved: return "approved";
    case review_state::rejected: return "rejected";
    case review_state::expired: return "expired";
    case review_state::cancelled: return "cancelled";
    case review_state::orphaned: return "orphaned";
  }
  return "unknown";
}

std::string_view to_string(review_kind k) noexcept {
  return k == review_kind::statement ? "statement" : "access";
}

std::string_view describe(review_error e) noexcept {
  switch (e) {
    case review_error::not_found: return "no such review";
    case review_error::not_pending: return "the review is no longer pending";
    case review_error::self_review: return "a principal may not decide its own review";
    case review_error::not_a_reviewer: return "only the rule's reviewers may decide this review";
    case review_error::store_failed: return "the review store could not be written";
  }
  return "review error";
}

std::string_view describe(grant_error e) noexcept {
  switch (e) {
    case grant_error::not_found: return "no such grant";
    case grant_error::unknown_rule: return "no rule of that name";
    case grant_error::not_jit: return "the rule is not a jit rule";
    case grant_error::too_long: return "the duration is longer than the rule's jit.max";
    case grant_error::not_a_reviewer: return "only the rule's reviewers may add or revoke its grants";
    case grant_error::self_grant: return "a reviewer may not grant itself";
    case grant_error::already_revoked: return "the grant was already revoked";
    case grant_error::store_failed: return "the grant store could not be written";
  }
  return "grant error";
}

}  // namespace gh::gateway
