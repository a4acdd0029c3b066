#include "gateway/services.hpp"

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

#include "connector/tls.hpp"
#include "wire/pg/scram.hpp"

namespace gh::gateway {
namespace {

identity::service_token_registry build_tokens(const config::config& cfg) {
  std::vector<identity::service_token_entry> entries;
  for (const auto& t : cfg.identity.service_tokens) entries.push_back({t.principal, t.token_sha256, t.groups});
  auto reg = identity::service_token_registry::build(entries);
  if (!reg)
    throw std::runtime_error("identity.service_tokens[" + std::to_string(reg.error().index) +
                             "]: " + std::string(identity::describe(reg.error().reason)));
  return std::move(*reg);
}

std::unique_ptr<identity_service> build_oidc(const config::config& cfg) {
  if (cfg.identity.oidc.empty()) return nullptr;
  std::vector<identity::provider_settings> providers;
  for (const auto& p : cfg.identity.oidc) {
    identity::provider_settings s;
    s.issuer = p.issuer;
    s.audience = p.audience;
    s.principal_claim = p.principal_claim;
    s.groups_claim = p.groups_claim;
    providers.push_back(std::move(s));
  }
  return std::make_unique<identity_service>(std::move(providers), make_client_tls());
}

}  // namespace

services::services(config::config cfg)
    : cfg_(std::move(cfg)),
      rng_(system_random()),
      cancels_(rng_),
      scram_keys_(std::make_unique<wire::pg::scram_key_cache>(rng_)),
      admission_(admission_limits{cfg_.limits.max_connections_per_address, cfg_.limits.failed_logins_per_address,
                                  cfg_.limits.failed_logins_per_principal, std::chrono::seconds(60)}),
      tokens_(build_tokens(cfg_)),
      oidc_(build_oidc(cfg_)) {
  if (cfg_.gateway.postgres && cfg_.gateway.postgres->tls) pg_tls_ = connector::make_listener_tls(*cfg_.gateway.postgres->tls);
  for (const auto& [name, c] : cfg_.connections) {
    if (!c.connector.empty()) continue;  // the connector's file says how it reaches the database
    connector::warn_if_unverified(c);
    try {
      database_tls_[name] = connector::make_database_tls(c.tls, c.tls_ca);
    } catch (const std::exception& e) {
      throw std::runtime_error("connection \"" + name + "\": " + e.what());
    }
  }
  // Discovery runs in the background: a provider that is down does not keep
  // the gateway from starting (service tokens and other providers work).
  if (oidc_) oidc_->start();
}

services::~services() = default;

net::awaitable<auth_result> services::authenticate(std::string_view credential) const {
  if (identity::looks_like_jwt(credential)) {
    if (!oidc_)
      co_return unexpected(auth_failure{auth_failure::kind::unknown_issuer, std::nullopt,
                                        "an OIDC token, but no identity provider is configured (identity.oidc)"});
    co_return co_await oidc_->authenticate(credential);
  }
  if (auto who = tokens_.authenticate(credential)) co_return std::move(*who);
  co_return unexpected(auth_failure{auth_failure::kind::bad_credential, std::nullopt,
                                    "the password is not a valid service token"});
}

boost::asio::ssl::context* services::database_tls(const config::connection& c) const {
  auto it = database_tls_.find(c.name);
  return it == database_tls_.end() ? nullptr : it->second.get();
}

const config::connection* services::connection(std::string_view database) const {
  auto it = cfg_.connections.find(std::string(database));
  return it == cfg_.connections.end() ? nullptr : &it->second;
}

}  // namespace gh::gateway
