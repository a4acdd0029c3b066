#include "connector/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace gh::connector {
namespace {

namespace ssl = net::asio::ssl;

void at_least_tls12(ssl::context& ctx) {
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
}

}  // namespace

std::shared_ptr<ssl::context> make_listener_tls(const config::tls_files& files) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  at_least_tls12(*ctx);
  net::error_code ec;
  ctx->use_certificate_chain_file(files.cert, ec);
  if (ec) throw std::runtime_error("cannot load TLS certificate " + files.cert + ": " + ec.message());
  ctx->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load TLS key " + files.key + ": " + ec.message());
  return ctx;
}

std::shared_ptr<ssl::context> make_dialer_tls(const std::string& ca) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  at_least_tls12(*ctx);
  net::error_code ec;
  if (ca.empty()) ctx->set_default_verify_paths(ec);
  else ctx->load_verify_file(ca, ec);
  if (ec)
    throw std::runtime_error("cannot load " + (ca.empty() ? std::string("the system's CA certificates")
                                                          : "CA file " + ca) + ": " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

std::shared_ptr<ssl::context> make_database_tls(config::upstream_tls mode, const std::string& ca) {
  switch (mode) {
    case config::upstream_tls::disable:
      return nullptr;
    case config::upstream_tls::verify_ca:
    case config::upstream_tls::verify_full:
      return make_dialer_tls(ca);
    case config::upstream_tls::prefer:
    case config::upstream_tls::require:
      break;
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  at_least_tls12(*ctx);
  ctx->set_verify_mode(ssl::verify_none);
  return ctx;
}

void warn_if_unverified(const config::connection& c) {
  if (config::verifies(c.tls) || !c.connector.empty()) return;
  net::error_code ec;
  auto addr = net::asio::ip::make_address(c.host, ec);
  if (c.host == "localhost" || (!ec && addr.is_loopback())) return;
  spdlog::warn("connection \"{}\" reaches {} with tls: {}: nothing checks that the database is the one you "
               "meant, and its password goes to whoever answers; set tls: verify-full (and tls_ca)",
               c.name, c.host, config::to_string(c.tls));
}

bool expect_peer_name(tls_stream& s, const std::string& host) {
  // A name OpenSSL cannot hold (a NUL inside, a scoped IPv6 address) would
  // leave nothing to check: refuse it rather than verify the chain alone.
  if (host.empty() || host.find('\0') != std::string::npos) return false;
  net::error_code ec;
  net::asio::ip::make_address(host, ec);
  const bool is_ip = !ec;
  SSL* native = s.native_handle();
  if (!is_ip && SSL_set_tlsext_host_name(native, host.c_str()) != 1) return false;
  X509_VERIFY_PARAM* param = SSL_get0_param(native);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int set = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                        : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (set != 1) return false;
  s.set_verify_mode(ssl::verify_peer);
  return true;
}

std::string handshake_failure(tls_stream& s, const net::error_code& ec) {
  const long verdict = SSL_get_verify_result(s.native_handle());
  if (verdict != X509_V_OK)
    return std::string("certificate not trusted: ") + X509_verify_cert_error_string(verdict);
  return ec.message();
}

bool certificate_refused(tls_stream& s) { return SSL_get_verify_result(s.native_handle()) != X509_V_OK; }

}  // namespace gh::connector
