// Who a session is and where it goes, fixed once startup succeeds.
#pragma once

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
  std::string search_path = "\"$user\", public";
  std::vector<std::string> grants;  // rules the principal holds an unexpired grant for
};

}  // namespace gh::gateway
