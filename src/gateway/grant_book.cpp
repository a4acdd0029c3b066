#include "gateway/grant_book.hpp"

namespace gh::gateway {

std::string_view describe(grant_error e) noexcept {
  switch (e) {
    case grant_error::not_found:
      return "no such grant";
    case grant_error::unknown_rule:
      return "no rule of that name";
    case grant_error::not_jit:
      return "the rule is not a jit rule: it needs no grant";
    case grant_error::too_long:
      return "the duration is over the rule's jit max";
    case grant_error::not_a_reviewer:
      return "only the rule's reviewers may grant or revoke access under it";
    case grant_error::self_grant:
      return "a reviewer may not grant access to itself";
    case grant_error::already_revoked:
      return "the grant was already revoked";
    case grant_error::store_failed:
      return "the grant could not be stored or recorded";
    case grant_error::not_a_principal:
      return "the rule does not name the requester";
    case grant_error::bad_duration:
      return "the duration must be positive";
  }
  return "unknown error";
}

}  // namespace gh::gateway
