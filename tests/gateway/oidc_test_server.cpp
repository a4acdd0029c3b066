#include "oidc_test_server.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace gh::gateway::testing {
namespace {

namespace asio = net::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using net::use_nothrow;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("openssl: ") + what);
}

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

x509_ptr make_cert(EVP_PKEY* key, const char* cn, X509* issuer, long serial) {
  x509_ptr cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  return cert;
}

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

test_pki make_test_pki(const std::vector<std::string>& dns_names, const std::vector<std::string>& ips) {
  pkey_ptr ca_key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  pkey_ptr leaf_key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  check(ca_key && leaf_key, "EVP_EC_gen");
  x509_ptr ca = make_cert(ca_key.get(), "gatehouse test CA", nullptr, 1);
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "sign CA");

  x509_ptr leaf = make_cert(leaf_key.get(), "test provider", ca.get(), 2);
  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : ips) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  add_ext(leaf.get(), ca.get(), NID_basic_constraints, "CA:FALSE");
  add_ext(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  if (!san.empty()) add_ext(leaf.get(), ca.get(), NID_subject_alt_name, san);
  check(X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) > 0, "sign leaf");
  return {pem_of(ca.get()), pem_of(leaf.get()), pem_of(leaf_key.get())};
}

std::string write_temp_file(const std::string& name, const std::string& text) {
  static std::atomic<int> counter{0};
  std::string path = ::testing::TempDir() + "gh_" + std::to_string(::getpid()) + "_" +
                     std::to_string(counter++) + "_" + name;
  std::ofstream(path) << text;
  return path;
}

test_http_server::test_http_server(handler h, const test_pki* pki, unsigned short port) : handler_(std::move(h)) {
  if (pki) {
    tls_ = std::make_shared<ssl::context>(ssl::context::tls_server);
    tls_->use_certificate_chain(asio::buffer(pki->cert_pem));
    tls_->use_private_key(asio::buffer(pki->key_pem), ssl::context::pem);
  }
  net::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(net::tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, accept_loop(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

test_http_server::~test_http_server() {
  io_.stop();
  thread_.join();
}

std::string test_http_server::origin() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

int test_http_server::requests(const std::string& target) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(target);
  return it == counts_.end() ? 0 : it->second;
}

net::awaitable<void> test_http_server::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
    if (ec) co_return;
    asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
  }
}

net::awaitable<void> test_http_server::serve(net::tcp::socket socket) {
  if (!tls_) {
    co_await answer(socket);
    co_return;
  }
  ssl::stream<net::tcp::socket> stream(std::move(socket), *tls_);
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_nothrow);
  if (!ec) co_await answer(stream);
}

template <class Stream>
net::awaitable<void> test_http_server::answer(Stream& stream) {
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  auto [ec, n] = co_await http::async_read(stream, buffer, req, use_nothrow);
  if (ec) co_return;
  std::string target(req.target());
  {
    std::lock_guard lock(mutex_);
    ++counts_[target];
  }
  reply r = handler_(target);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  if (r.hang || r.delay.count() > 0) {
    timer.expires_after(r.hang ? std::chrono::hours(1) : r.delay);
    co_await timer.async_wait(use_nothrow);
  }
  http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.set(http::field::content_type, "application/json");
  res.body() = r.body;
  res.prepare_payload();
  co_await http::async_write(stream, res, use_nothrow);
}

}  // namespace gh::gateway::testing
