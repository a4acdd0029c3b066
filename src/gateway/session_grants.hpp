// A session's grants (issue 6): the rules its principal holds an unexpired
// grant for, read at start and again whenever the grant book moved or one of
// them ended, and what that means for the session. Shared by the session
// kinds; touched on the session's own thread only.
#pragma once

#include <cstdint>
#include <optional>

#include "common/clock.hpp"
#include "gateway/session_context.hpp"

namespace gh::gateway {

// What changed for the session when its grants did.
enum class grant_effect : std::uint8_t {
  none,
  read_only_on,    // the upstream must become read-only
  read_only_off,   // the upstream may write now
  access_ended,    // no rule in force names the principal on this connection any more
};

class session_grants {
 public:
  // Reads the principal's grants into ctx.grants (before the session's first
  // decision: a principal whose only rule is a jit rule connects with a grant).
  void load(session_context& ctx, sys_time now);
  // Cheap when nothing moved (an atomic load); else re-reads and updates
  // ctx.grants and ctx.read_only.
  grant_effect refresh(session_context& ctx, sys_time now);

 private:
  std::uint64_t version_ = 0;
  std::optional<sys_time> next_expiry_;
  bool loaded_ = false;
};

}  // namespace gh::gateway
