// What every session shares: the loaded configuration, the identities, the
// rules and the cancel keys. Built once at start; read-only afterwards except
// for the thread-safe members (cancel registry, counters).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.hpp"
#include "config/config.hpp"
#include "gateway/admission.hpp"
#include "gateway/cancel_registry.hpp"
#include "gateway/grant_book.hpp"
#include "gateway/identity_service.hpp"
#include "gateway/mysql_sessions.hpp"
#include "gateway/net.hpp"
#include "gateway/review_board.hpp"
#include "identity/principal.hpp"
#include "identity/service_tokens.hpp"
#include "policy/decide.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gh::connector {
class hub;
}

namespace gh::wire::pg {
class scram_key_cache;
}

namespace gh::gateway {

class services {
 public:
  // Throws std::runtime_error naming what is wrong (start-up code path).
  explicit services(config::config cfg);
  ~services();

  const config::config& cfg() const noexcept { return cfg_; }
  const random_source& rng() const noexcept { return rng_; }
  cancel_registry& cancels() noexcept { return cancels_; }
  // SCRAM keys of the databases' logins, kept across sessions (thread-safe).
  wire::pg::scram_key_cache& scram_keys() noexcept { return *scram_keys_; }
  class admission& admission() noexcept { return admission_; }
  class mysql_sessions& mysql_sessions() noexcept { return mysql_sessions_; }
  // TLS for the PostgreSQL listener; null when it has none.
  boost::asio::ssl::context* pg_tls() const noexcept { return pg_tls_.get(); }

  // The principal a credential names, or why not (for the operator's log;
  // the client is told only that authentication failed). For the PostgreSQL
  // password and the HTTP API's bearer token alike. A JWT-shaped credential
  // (looks_like_jwt) is an OIDC token, verified against identity.oidc, which
  // may wait for the provider's keys; anything else is a service token,
  // checked at once. Never logs the credential; `credential` must stay alive
  // until the returned awaitable completes. Thread-safe.
  net::awaitable<auth_result> authenticate(std::string_view credential) const;
  const config::connection* connection(std::string_view database) const;
  // TLS to the database of a connection by address (its `tls`, `tls_ca`),
  // built at start; null for tls: disable.
  boost::asio::ssl::context* database_tls(const config::connection& c) const;

  std::span<const policy::rule> rules() const noexcept { return cfg_.rules; }

  std::atomic<std::uint32_t> active_sessions{0};

  // limits.max_connections: a slot is taken when a session is about to be
  // admitted (not at accept, when sessions that are ending still count) and
  // given back when it ends. Never more than the limit, however many race.
  bool take_session_slot() noexcept {
    auto n = sessions_admitted_.load(std::memory_order_relaxed);
    do {
      if (n >= cfg_.limits.max_connections) return false;
    } while (!sessions_admitted_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
    return true;
  }
  void give_back_session_slot() noexcept { sessions_admitted_.fetch_sub(1, std::memory_order_relaxed); }
  std::atomic<bool> draining{false};

  // Reviews and grants (store-backed, thread-safe); set at start-up.
  std::shared_ptr<review_board> reviews;
  std::shared_ptr<grant_book> grants;
  // Connectors that dialed in (src/connector/hub.hpp); set at start-up when
  // gateway.connectors is configured, null otherwise.
  std::shared_ptr<connector::hub> connectors;

 private:
  config::config cfg_;
  std::atomic<std::uint32_t> sessions_admitted_{0};
  random_source rng_;
  cancel_registry cancels_;
  std::unique_ptr<wire::pg::scram_key_cache> scram_keys_;
  class admission admission_;
  class mysql_sessions mysql_sessions_;
  identity::service_token_registry tokens_;
  std::unique_ptr<identity_service> oidc_;  // null without identity.oidc
  std::shared_ptr<boost::asio::ssl::context> pg_tls_;
  std::map<std::string, std::shared_ptr<boost::asio::ssl::context>, std::less<>> database_tls_;
};

}  // namespace gh::gateway
