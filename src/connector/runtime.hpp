// What the connector process's parts share: its file, its TLS trust, its
// threads and its sessions. Built once by run_connector(); read-only but for
// the thread-safe session table.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <vector>

#include "common/random.hpp"
#include "config/connector_config.hpp"
#include "connector/session_table.hpp"
#include "connector/tls.hpp"
#include "gateway/net.hpp"
#include "wire/pg/scram.hpp"

namespace gh::connector {

struct runtime {
  const config::connector_config& cfg;
  std::shared_ptr<net::asio::ssl::context> tls;   // verifies the gateway (make_dialer_tls)
  // TLS to each connection's database (make_database_tls; null: tls: disable).
  std::map<std::string, std::shared_ptr<net::asio::ssl::context>> database_tls;
  random_source rng;
  std::vector<net::asio::io_context*> ios;        // one per thread; sessions spread over them
  session_table sessions;
  std::atomic<unsigned> next_io{0};
  wire::pg::scram_key_cache scram_keys{system_random()};  // every database login of this process

  net::asio::io_context& next() { return *ios[next_io.fetch_add(1, std::memory_order_relaxed) % ios.size()]; }
  std::string gateway() const { return cfg.gateway_host + ":" + std::to_string(cfg.gateway_port); }
};

}  // namespace gh::connector
