#include "gateway/identity_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/oidc_issuer.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
using net::use_nothrow;
using identity::jwt_error;

auth_result refused(auth_failure::kind what, std::string reason, std::optional<jwt_error> jwt = {}) {
  return unexpected(auth_failure{what, jwt, std::move(reason)});
}

std::vector<std::unique_ptr<oidc_issuer>> group_by_issuer(std::vector<identity::provider_settings> providers,
                                                          std::chrono::seconds refresh_min_interval) {
  std::vector<std::unique_ptr<oidc_issuer>> out;
  std::vector<bool> taken(providers.size(), false);
  for (std::size_t i = 0; i < providers.size(); ++i) {
    if (taken[i]) continue;
    std::vector<identity::provider_settings> same;
    for (std::size_t j = i; j < providers.size(); ++j)
      if (!taken[j] && providers[j].issuer == providers[i].issuer) {
        same.push_back(providers[j]);
        taken[j] = true;
      }
    out.push_back(std::make_unique<oidc_issuer>(std::move(same), refresh_min_interval));
  }
  return out;
}

// Waits until `round` is done or `until` passes, by polling an atomic on the
// caller's own executor. Deliberately no completion handler handed to the
// identity thread: a worker's io_context may be stopped and destroyed at
// shutdown while a refresh is in flight, and such a handler would then point
// into freed memory. Refreshes are rare (first token, key rotation), so a
// 10 ms poll costs nothing measurable.
net::awaitable<bool> wait_for(const refresh_round& round, std::chrono::steady_clock::time_point until) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!round.done.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= until) co_return false;
    timer.expires_after(std::chrono::milliseconds(10));
    auto [ec] = co_await timer.async_wait(use_nothrow);
    if (ec == asio::error::operation_aborted) co_return false;
  }
  co_return round.ok;
}

std::string reason_for(const oidc_issuer& p, jwt_error e) {
  return "OIDC token for issuer " + p.issuer() + ": " + std::string(identity::describe(e));
}

}  // namespace

identity_service::identity_service(std::vector<identity::provider_settings> providers,
                                   std::shared_ptr<asio::ssl::context> tls, identity_options options)
    : options_(std::move(options)),
      client_(std::move(tls)),
      issuers_(group_by_issuer(std::move(providers), options_.refresh_min_interval)),
      io_(std::make_unique<asio::io_context>(1)) {}

identity_service::~identity_service() { stop(); }

void identity_service::start() {
  if (thread_.joinable() || issuers_.empty()) return;
  for (auto& p : issuers_) asio::co_spawn(*io_, keep_keys(*p), asio::detached);
  thread_ = std::thread([this] {
    // The io_context outlives every refresh it runs; an exception escaping a
    // refresh (allocation failure) is logged and the loop goes on.
    while (!stopping_.load()) {
      try {
        auto guard = asio::make_work_guard(*io_);
        io_->run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("identity: background refresh failed: {}", e.what());
      }
    }
  });
}

void identity_service::stop() {
  stopping_.store(true);
  io_->stop();
  if (thread_.joinable()) thread_.join();
}

bool identity_service::has_keys(std::string_view issuer) const {
  const oidc_issuer* p = find(issuer);
  return p && p->keys() != nullptr;
}

oidc_issuer* identity_service::find(std::string_view issuer) const noexcept {
  for (const auto& p : issuers_)
    if (p->issuer() == issuer) return p.get();
  return nullptr;
}

// Discovery and keys for one provider for as long as the gateway runs: at
// start, again with backoff while it fails, then every keys_max_age.
net::awaitable<void> identity_service::keep_keys(oidc_issuer& p) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto backoff = options_.retry_first;
  while (!stopping_.load()) {
    auto ticket = p.begin_refresh(options_.now(), /*limited=*/false);
    bool ok = false;
    if (ticket.run_it) {
      co_await p.run_refresh(ticket.round, client_, options_.fetch);
      ok = ticket.round->ok;
    } else {
      ok = co_await wait_for(*ticket.round, std::chrono::steady_clock::now() + 3 * options_.fetch.timeout);
    }
    std::chrono::milliseconds wait = options_.keys_max_age;
    if (ok) {
      backoff = options_.retry_first;
    } else {
      wait = backoff;
      if (p.keys())
        spdlog::warn("identity provider {}: unreachable; the keys loaded before stay in use; retrying in {} ms",
                     p.issuer(), wait.count());
      else
        spdlog::warn("identity provider {}: unreachable; tokens it issued are refused until its keys load; "
                     "retrying in {} ms", p.issuer(), wait.count());
      backoff = std::min(backoff * 2, options_.retry_max);
    }
    timer.expires_after(wait);
    co_await timer.async_wait(use_nothrow);
  }
}

auth_result identity_service::verify(const oidc_issuer& p, std::string_view token) const {
  auto keys = p.keys();
  if (!keys) return refused(auth_failure::kind::provider_unreachable,
                            "OIDC token for issuer " + p.issuer() + ": the provider's keys are not loaded (" +
                                p.last_error() + ")");
  const sys_time now = options_.now();
  std::optional<jwt_error> first;
  // One try per configured audience; the first error that is not about the
  // audience says most (the signature and times do not depend on it).
  for (const auto& settings : p.audiences()) {
    auto who = identity::verify(token, settings, *keys, now);
    if (who) return std::move(*who);
    if (!first || *first == jwt_error::wrong_audience) first = who.error();
  }
  return refused(auth_failure::kind::token_refused, reason_for(p, *first), *first);
}

net::awaitable<auth_result> identity_service::authenticate(std::string_view token) {
  auto claimed = identity::unverified_issuer(token);
  if (!claimed)
    co_return refused(auth_failure::kind::unknown_issuer,
                      "OIDC token refused: not a well-formed JWT with an issuer (iss) claim");
  oidc_issuer* p = find(*claimed);
  // The claimed issuer is not logged: it is a value from the token.
  if (!p)
    co_return refused(auth_failure::kind::unknown_issuer,
                      "OIDC token refused: its issuer (iss) is not a configured provider (identity.oidc)");
  auto result = verify(*p, token);
  if (result) co_return result;
  const bool no_keys = result.error().what == auth_failure::kind::provider_unreachable;
  if (!no_keys && result.error().jwt != jwt_error::unknown_key) co_return result;
  co_return co_await after_refresh(*p, token, /*had_keys=*/!no_keys);
}

// The token names a key we do not hold, or we hold no keys yet: fetch them
// again (joining a refresh in flight, within the rate limit) and verify once
// more.
net::awaitable<auth_result> identity_service::after_refresh(oidc_issuer& p, std::string_view token,
                                                            bool had_keys) {
  auto ticket = p.begin_refresh(options_.now(), /*limited=*/true);
  if (!ticket.round) {
    auto result = verify(p, token);
    if (!result && result.error().jwt == jwt_error::unknown_key)
      result.error().reason += " (key set refreshed less than " +
                               std::to_string(options_.refresh_min_interval.count()) + " s ago: not fetched again)";
    co_return result;
  }
  if (ticket.run_it && !stopping_.load())
    asio::co_spawn(*io_, p.run_refresh(ticket.round, client_, options_.fetch), asio::detached);
  const bool ok = co_await wait_for(*ticket.round, std::chrono::steady_clock::now() + 2 * options_.fetch.timeout +
                                                       std::chrono::seconds(1));
  auto result = verify(p, token);
  // Without keys, verify() already said the provider is unreachable and why.
  if (!ok && had_keys && !result && result.error().jwt == jwt_error::unknown_key) {
    result.error().what = auth_failure::kind::provider_unreachable;
    result.error().reason += " (key set refresh failed: " + p.last_error() + ")";
  }
  co_return result;
}

std::optional<std::chrono::steady_clock::time_point> session_expiry(
    const identity::principal& who, std::optional<std::chrono::seconds> session_max,
    std::chrono::steady_clock::time_point start, sys_time now) {
  std::optional<std::chrono::steady_clock::time_point> end;
  if (session_max) end = start + *session_max;
  if (who.expires) {
    auto left = std::chrono::duration_cast<std::chrono::steady_clock::duration>(*who.expires - now);
    auto token_end = start + left;
    end = end ? std::min(*end, token_end) : token_end;
  }
  return end;
}

}  // namespace gh::gateway
