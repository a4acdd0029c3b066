// Who is speaking: an AI agent, a service or a person, from a service token
// or an OIDC token. Everything downstream (policy, audit) sees only this.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace gh::identity {

struct principal {
  std::string name;                  // e.g. "chatgpt-agent"
  std::vector<std::string> groups;   // without the "group:" prefix
  std::string source;                // "service_token" or "oidc:<issuer>"
  std::optional<sys_time> expires;   // the token's exp, when it has one
};

}  // namespace gh::identity
