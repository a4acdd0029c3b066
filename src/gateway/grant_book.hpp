// Grants: time-boxed access under a `jit: true` rule, made by approving an
// access review or added directly by a reviewer. Thread-safe, persisted in
// the store. Sessions poll version() (an atomic load) before each statement
// and re-read their grants only when it moved or one of theirs expired, so
// expiry and revocation apply to open sessions at their next statement.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/expected.hpp"

namespace gh::gateway {

struct grant_record {
  std::string id;           // "g-" + 12 hex digits
  std::string principal;
  std::string rule;
  sys_time from{};
  sys_time until{};
  std::string approver;
  std::string reason;
  std::string review_id;    // the access review it came from, if any
  std::optional<sys_time> revoked;
  std::string revoked_by;
};

// What a session needs: the rules it holds grants for now, and when the
// earliest of them ends (it must look again then).
struct active_grants {
  std::vector<std::string> rules;
  std::optional<sys_time> next_expiry;
};

enum class grant_error : std::uint8_t {
  not_found,
  unknown_rule,     // no rule of that name
  not_jit,          // the rule is not a jit rule
  too_long,         // over the rule's jit.max
  not_a_reviewer,   // only the rule's reviewers may add or revoke grants
  self_grant,       // a reviewer may not grant itself
  already_revoked,
  store_failed,
  not_a_principal,  // an access request for a rule that does not name the requester
  bad_duration,     // zero or negative
};
std::string_view describe(grant_error e) noexcept;

class grant_book {
 public:
  virtual ~grant_book() = default;

  virtual active_grants active_for(std::string_view principal, sys_time now) const = 0;
  // Bumps on every add and revoke.
  virtual std::uint64_t version() const noexcept = 0;
};

}  // namespace gh::gateway
