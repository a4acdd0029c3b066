#include "gateway/services.hpp"

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

namespace gh::gateway {
namespace {

std::unique_ptr<boost::asio::ssl::context> make_server_tls(const config::tls_files& files) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(files.cert, ec);
  if (ec) throw std::runtime_error("cannot load TLS certificate " + files.cert + ": " + ec.message());
  ctx->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load TLS key " + files.key + ": " + ec.message());
  return ctx;
}

identity::service_token_registry build_tokens(const config::config& cfg) {
  std::vector<identity::service_token_entry> entries;
  for (const auto& t : cfg.identity.service_tokens) entries.push_back({t.principal, t.token_sha256, t.groups});
  auto reg = identity::service_token_registry::build(entries);
  if (!reg)
    throw std::runtime_error("identity.service_tokens[" + std::to_string(reg.error().index) +
                             "]: " + std::string(identity::describe(reg.error().reason)));
  return std::move(*reg);
}

}  // namespace

services::services(config::config cfg)
    : cfg_(std::move(cfg)), rng_(system_random()), cancels_(rng_), tokens_(build_tokens(cfg_)) {
  if (cfg_.gateway.postgres && cfg_.gateway.postgres->tls) pg_tls_ = make_server_tls(*cfg_.gateway.postgres->tls);
}

services::~services() = default;

std::optional<identity::principal> services::authenticate(std::string_view password) const {
  return tokens_.authenticate(password);
}

const config::connection* services::connection(std::string_view database) const {
  auto it = cfg_.connections.find(std::string(database));
  return it == cfg_.connections.end() ? nullptr : &it->second;
}

}  // namespace gh::gateway
