#include "gateway/oidc_issuer.hpp"

#include <spdlog/spdlog.h>

namespace gh::gateway {

oidc_issuer::oidc_issuer(std::vector<identity::provider_settings> audiences,
                         std::chrono::seconds refresh_min_interval)
    : audiences_(std::move(audiences)), limiter_(refresh_min_interval) {}

oidc_issuer::ticket oidc_issuer::begin_refresh(sys_time now, bool limited) {
  std::lock_guard lock(mutex_);
  if (round_) return {round_, false};
  if (limited && !limiter_.try_acquire(now)) return {};
  round_ = std::make_shared<refresh_round>();
  return {round_, true};
}

std::string oidc_issuer::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

net::awaitable<expected<identity::provider_metadata, std::string>> oidc_issuer::discover(
    const https_client& client, fetch_limits limits) {
  const std::string url = identity::discovery_url(issuer());
  limits.body_max = identity::discovery_json_limits.max_size;
  auto body = co_await client.get(url, limits);
  if (!body) co_return unexpected("discovery at " + url + ": " + to_string(body.error()));
  auto meta = identity::parse_discovery(*body, issuer());
  if (!meta) co_return unexpected("discovery at " + url + ": " + std::string(identity::describe(meta.error())));
  co_return std::move(*meta);
}

net::awaitable<expected<void, std::string>> oidc_issuer::fetch_keys(const https_client& client,
                                                                     fetch_limits limits) {
  if (!metadata_) {
    auto meta = co_await discover(client, limits);
    if (!meta) co_return unexpected(std::move(meta.error()));
    metadata_ = std::move(*meta);
  }
  const std::string url = metadata_->jwks_uri;
  limits.body_max = identity::jwks_json_limits.max_size;
  auto body = co_await client.get(url, limits);
  expected<identity::jwks, std::string> keys = unexpected(std::string());
  if (!body) {
    keys = unexpected("key set at " + url + ": " + to_string(body.error()));
  } else if (auto parsed = identity::parse_jwks(*body); !parsed) {
    keys = unexpected("key set at " + url + ": " + std::string(identity::describe(parsed.error())));
  } else {
    keys = std::move(*parsed);
  }
  if (!keys) {
    // The provider may have moved its keys: discover again next time.
    metadata_.reset();
    co_return unexpected(std::move(keys.error()));
  }
  for (const auto& s : keys->skipped())
    spdlog::warn("identity provider {}: key {} (kid {}) skipped: {}", issuer(), s.index, s.kid.value_or("none"),
                 s.reason);
  std::string kids;
  for (const auto& k : keys->keys()) kids += (kids.empty() ? "" : ", ") + k.kid.value_or("(no kid)");
  spdlog::info("identity provider {}: {} signing keys loaded [{}]", issuer(), keys->keys().size(), kids);
  // An empty set replaces the old one too: keys the provider withdrew must
  // stop verifying (docs/identity.md).
  keys_.store(std::make_shared<const identity::jwks>(std::move(*keys)), std::memory_order_release);
  co_return expected<void, std::string>{};
}

net::awaitable<void> oidc_issuer::run_refresh(std::shared_ptr<refresh_round> round, const https_client& client,
                                              fetch_limits limits) {
  auto result = co_await fetch_keys(client, limits);
  if (!result) spdlog::warn("identity provider {}: cannot load its keys: {}", issuer(), result.error());
  {
    std::lock_guard lock(mutex_);
    last_error_ = result ? std::string() : result.error();
    if (round_ == round) round_.reset();
  }
  round->ok = result.has_value();
  round->done.store(true, std::memory_order_release);
}

}  // namespace gh::gateway
