// One OpenID provider as the gateway holds it while running: its configured
// audiences, its key set as an immutable snapshot, and the refreshes of that
// snapshot.
//
// Readers (every io worker, on every token) only load the snapshot: one
// atomic shared_ptr load, no lock. A refresh (discovery when not done yet,
// then the JWKS) runs on the identity thread and swaps the snapshot whole.
// Refreshes are coalesced: while one is in flight, whoever asks for another
// joins it. Refreshes asked for by tokens (an unknown kid, no keys yet) are
// rate-limited by a refresh_limiter, so a flood of made-up kids costs the
// provider at most one fetch per interval.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "gateway/https_client.hpp"
#include "gateway/net.hpp"
#include "identity/discovery.hpp"
#include "identity/jwks.hpp"
#include "identity/jwt.hpp"
#include "identity/refresh_limiter.hpp"

namespace gh::gateway {

// One refresh, shared by everyone waiting for it. `ok` is written before
// `done` is set (release), and read after `done` is seen (acquire).
struct refresh_round {
  std::atomic<bool> done{false};
  bool ok = false;
};

class oidc_issuer {
 public:
  // `audiences`: one provider_settings per configured audience of this
  // issuer, at least one, all with this issuer.
  oidc_issuer(std::vector<identity::provider_settings> audiences, std::chrono::seconds refresh_min_interval);

  const std::string& issuer() const noexcept { return audiences_.front().issuer; }
  std::span<const identity::provider_settings> audiences() const noexcept { return audiences_; }

  // The current key set; null until a fetch succeeded. Lock-free for callers.
  std::shared_ptr<const identity::jwks> keys() const noexcept { return keys_.load(std::memory_order_acquire); }

  struct ticket {
    std::shared_ptr<refresh_round> round;  // null: refused by the rate limit
    bool run_it = false;                   // the caller started it and must run it
  };
  // Joins the refresh in flight, or starts one. A `limited` request (from a
  // token) starts one only when the rate limit allows it at `now`.
  ticket begin_refresh(sys_time now, bool limited);

  // Fetches and swaps the snapshot, then completes `round` for all its
  // waiters. Runs on the identity thread (the only one that touches the
  // discovered metadata). Logs what it fetched or why it failed.
  net::awaitable<void> run_refresh(std::shared_ptr<refresh_round> round, const https_client& client,
                                   fetch_limits limits);

  // Why the last refresh failed; empty after a success.
  std::string last_error() const;

 private:
  net::awaitable<expected<identity::provider_metadata, std::string>> discover(const https_client& client,
                                                                              fetch_limits limits);
  net::awaitable<expected<void, std::string>> fetch_keys(const https_client& client, fetch_limits limits);

  const std::vector<identity::provider_settings> audiences_;
  std::atomic<std::shared_ptr<const identity::jwks>> keys_;

  mutable std::mutex mutex_;  // guards the three below; never held across a suspension
  identity::refresh_limiter limiter_;
  std::shared_ptr<refresh_round> round_;
  std::string last_error_;

  std::optional<identity::provider_metadata> metadata_;  // identity thread only
};

}  // namespace gh::gateway
