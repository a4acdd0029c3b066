#include "gateway/review_board.hpp"

namespace gh::gateway {

std::string_view to_string(review_state s) noexcept {
  switch (s) {
    case review_state::pending:
      return "pending";
    case review_state::approved:
      return "approved";
    case review_state::rejected:
      return "rejected";
    case review_state::expired:
      return "expired";
    case review_state::cancelled:
      return "cancelled";
    case review_state::orphaned:
      return "orphaned";
  }
  return "unknown";
}

std::string_view to_string(review_kind k) noexcept {
  switch (k) {
    case review_kind::statement:
      return "statement";
    case review_kind::access:
      return "access";
  }
  return "unknown";
}

std::string_view describe(review_error e) noexcept {
  switch (e) {
    case review_error::not_found:
      return "no such review";
    case review_error::not_pending:
      return "the review is no longer pending";
    case review_error::self_review:
      return "a requester may not decide its own review";
    case review_error::not_a_reviewer:
      return "only the rule's reviewers may decide this review";
    case review_error::store_failed:
      return "the review could not be stored or recorded";
  }
  return "unknown error";
}

}  // namespace gh::gateway
