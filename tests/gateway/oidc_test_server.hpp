// Test-only: a certificate authority made in the test process, and a small
// HTTP(S) server on loopback with canned answers, standing in for an identity
// provider in the https_client and identity_service tests. No key or
// certificate is committed.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/net.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gh::gateway::testing {

struct test_pki {
  std::string ca_pem;    // self-signed CA certificate
  std::string cert_pem;  // leaf certificate signed by the CA
  std::string key_pem;   // the leaf's private key
};
// A fresh CA and a leaf for these DNS names and IP addresses (P-256 keys).
test_pki make_test_pki(const std::vector<std::string>& dns_names, const std::vector<std::string>& ips);

// Writes `text` to a new file under the test's temp dir; returns its path.
std::string write_temp_file(const std::string& name, const std::string& text);

struct reply {
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // before answering
  bool hang = false;                   // never answer
};

class test_http_server {
 public:
  using handler = std::function<reply(const std::string& target)>;
  // Plain http without `pki`; https with its leaf otherwise. Port 0: the
  // kernel picks one.
  explicit test_http_server(handler h, const test_pki* pki = nullptr, unsigned short port = 0);
  ~test_http_server();

  unsigned short port() const noexcept { return port_; }
  std::string origin() const;  // "http(s)://127.0.0.1:<port>"
  int requests(const std::string& target) const;

 private:
  net::awaitable<void> accept_loop();
  net::awaitable<void> serve(net::tcp::socket socket);
  template <class Stream>
  net::awaitable<void> answer(Stream& stream);

  handler handler_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  net::asio::io_context io_{1};
  net::tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, int> counts_;
  std::thread thread_;
};

}  // namespace gh::gateway::testing
