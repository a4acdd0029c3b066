// OIDC tokens verified against the configured providers, with their keys
// fetched over the network: the networked half of src/identity (which is
// pure). One per gateway, shared by every io worker and the HTTP API.
//
//  - At start, each provider's discovery document and key set are fetched in
//    the background, on the service's own thread; the gateway serves
//    meanwhile. A provider that is down is retried with exponential backoff
//    (1 s doubling to 5 min); tokens for it are refused until its keys load.
//  - Keys are refetched every `keys_max_age` (withdrawn keys stop verifying)
//    and when a token names a kid the snapshot lacks (key rotation), the
//    latter at most once per `refresh_min_interval` per provider.
//  - A token is routed by its unverified "iss" to the provider of that exact
//    issuer, then verified with that provider's keys and settings (one per
//    configured audience). Only verification decides.
//
// Thread-safe. The hot path (a token whose key is known) takes no lock: one
// atomic load of the provider's key snapshot.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/expected.hpp"
#include "gateway/https_client.hpp"
#include "gateway/net.hpp"
#include "identity/jwt.hpp"
#include "identity/principal.hpp"

namespace gh::gateway {

class oidc_issuer;

// Why a credential names nobody, for the operator's log and never for the
// client (which sees only "authentication failed"). Never holds the token,
// nor any claim value read from it.
struct auth_failure {
  enum class kind {
    bad_credential,        // neither a known service token nor a JWT
    unknown_issuer,        // a JWT whose iss is no configured provider (or unreadable)
    token_refused,         // verification failed: see `jwt`
    provider_unreachable,  // the provider's keys could not be loaded
  };
  kind what = kind::bad_credential;
  std::optional<identity::jwt_error> jwt;  // with token_refused
  std::string reason;                      // a sentence for the log line
};

using auth_result = expected<identity::principal, auth_failure>;

struct identity_options {
  fetch_limits fetch{std::chrono::seconds(5)};           // per request to a provider
  std::chrono::seconds refresh_min_interval{30};         // token-driven refreshes, per provider
  std::chrono::seconds keys_max_age{3600};               // periodic refresh
  std::chrono::milliseconds retry_first{1000};           // backoff while a provider is down
  std::chrono::milliseconds retry_max{5 * 60 * 1000};
  std::function<sys_time()> now = [] { return std::chrono::system_clock::now(); };
};

class identity_service {
 public:
  // One entry per configured provider (issuer and audience). Entries with the
  // same issuer share one discovery and one key set.
  identity_service(std::vector<identity::provider_settings> providers,
                   std::shared_ptr<boost::asio::ssl::context> tls, identity_options options = {});
  ~identity_service();  // stop()s
  identity_service(const identity_service&) = delete;
  identity_service& operator=(const identity_service&) = delete;

  // Starts the identity thread: discovery and keys for every provider, in
  // the background. Returns at once.
  void start();
  // Ends the background work and joins the thread. Callers still waiting for
  // a refresh give up after their own deadline (they never hold a handler
  // on the identity thread, so stopping is safe in any order).
  void stop();

  // The principal a JWT names, or why not. `token` must stay alive until the
  // returned awaitable completes. Runs on the caller's executor; a refresh,
  // when one is needed, runs on the identity thread and is awaited (bounded
  // by twice the fetch timeout).
  net::awaitable<auth_result> authenticate(std::string_view token);

  // Whether the provider with this issuer has a key set (for tests, status).
  bool has_keys(std::string_view issuer) const;

 private:
  oidc_issuer* find(std::string_view issuer) const noexcept;
  net::awaitable<auth_result> after_refresh(oidc_issuer& p, std::string_view token, bool had_keys);
  net::awaitable<void> keep_keys(oidc_issuer& p);
  auth_result verify(const oidc_issuer& p, std::string_view token) const;

  identity_options options_;
  https_client client_;
  std::vector<std::unique_ptr<oidc_issuer>> issuers_;
  std::atomic<bool> stopping_{false};
  // Declared after what its coroutines use: destroying it destroys them.
  std::unique_ptr<net::asio::io_context> io_;
  std::thread thread_;
};

// When a session authenticated at `start` (steady clock; `now` is the same
// instant on the system clock) must end: the earlier of the token's expiry
// and start + session_max; nullopt when neither applies (a service token
// without session_max). The expiry is carried over to the steady clock once,
// so a later step of the system clock moves neither way.
std::optional<std::chrono::steady_clock::time_point> session_expiry(
    const identity::principal& who, std::optional<std::chrono::seconds> session_max,
    std::chrono::steady_clock::time_point start, sys_time now);

}  // namespace gh::gateway
