#include "http/api_detail.hpp"

namespace gh::http::detail {

std::pair<status, std::string_view> status_of(gateway::review_error e) noexcept {
  using gateway::review_error;
  switch (e) {
    case review_error::not_found:
      return {status::not_found, "not_found"};
    case review_error::not_pending:
      return {status::conflict, "not_pending"};
    case review_error::self_review:
      return {status::forbidden, "self_review"};
    case review_error::not_a_reviewer:
      return {status::forbidden, "not_a_reviewer"};
    case review_error::store_failed:
      break;
  }
  return {status::internal_server_error, "store_failed"};
}

std::pair<status, std::string_view> status_of(gateway::grant_error e) noexcept {
  using gateway::grant_error;
  switch (e) {
    case grant_error::not_found:
      return {status::not_found, "not_found"};
    case grant_error::unknown_rule:
      return {status::bad_request, "unknown_rule"};
    case grant_error::not_jit:
      return {status::bad_request, "not_jit"};
    case grant_error::too_long:
      return {status::bad_request, "too_long"};
    case grant_error::bad_duration:
      return {status::bad_request, "bad_duration"};
    case grant_error::not_a_reviewer:
      return {status::forbidden, "not_a_reviewer"};
    case grant_error::self_grant:
      return {status::forbidden, "self_grant"};
    case grant_error::not_a_principal:
      return {status::forbidden, "not_a_principal"};
    case grant_error::already_revoked:
      return {status::conflict, "already_revoked"};
    case grant_error::store_failed:
      break;
  }
  return {status::internal_server_error, "store_failed"};
}

}  // namespace gh::http::detail
