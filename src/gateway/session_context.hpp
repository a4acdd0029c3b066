// Who a session is and where it goes, fixed once startup succeeds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "identity/principal.hpp"

namespace gh::gateway {

class worker;
class services;

struct session_context {
  worker& w;
  services& svc;
  std::string id;             // "s-" + 12 hex digits
  std::string client;         // "ip:port"
  identity::principal who;
  const config::connection* conn = nullptr;
  bool read_only = true;      // upstream opened with default_transaction_read_only
  std::string search_path;    // the startup value; empty: the server default ("$user", public)
  std::vector<std::string> grants;  // rules the principal holds an unexpired grant for
  // When the session must end (FATAL): the earlier of the token's exp and
  // authentication + identity.session_max; nullopt for neither (a service
  // token without session_max). See session_expiry() and docs/identity.md.
  std::optional<std::chrono::steady_clock::time_point> expires_at;
};

}  // namespace gh::gateway
