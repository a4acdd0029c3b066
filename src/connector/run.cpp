#include "connector/run.hpp"

#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <thread>

#include "connector/control_client.hpp"
#include "connector/runtime.hpp"

namespace gh::connector {

namespace asio = net::asio;

int run_connector(const config::connector_config& cfg) {
  std::shared_ptr<asio::ssl::context> tls;
  std::map<std::string, std::shared_ptr<asio::ssl::context>> database_tls;
  try {
    tls = make_dialer_tls(cfg.ca);
    for (const auto& [name, c] : cfg.connections) {
      warn_if_unverified(c);
      try {
        database_tls[name] = make_database_tls(c.tls, c.tls_ca);
      } catch (const std::exception& e) {
        throw std::runtime_error("connection \"" + name + "\": " + e.what());
      }
    }
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  // One io_context per thread; sessions spread over them (each stays on one).
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<asio::io_context>> ios;
  runtime rt{cfg, tls, std::move(database_tls), system_random(), {}, {}, {}};
  for (unsigned i = 0; i < threads; ++i) {
    ios.push_back(std::make_unique<asio::io_context>(1));
    rt.ios.push_back(ios.back().get());
  }
  control_client control(rt, ios[0]->get_executor());
  asio::co_spawn(*ios[0], control.run(), asio::detached);

  std::vector<std::thread> workers;
  for (auto& io : ios)
    workers.emplace_back([io = io.get()] {
      auto guard = asio::make_work_guard(*io);
      io->run();
    });
  spdlog::info("connector \"{}\" starting: gateway {}, {} connection(s), {} io threads", cfg.name, rt.gateway(),
               cfg.connections.size(), threads);

  asio::io_context main_io;
  asio::signal_set signals(main_io, SIGINT, SIGTERM);
  int signal_number = 0;
  signals.async_wait([&](net::error_code, int sig) { signal_number = sig; });
  main_io.run();
  spdlog::info("signal {}: stopping ({} sessions open end now)", signal_number, rt.sessions.size());
  control.stop();
  rt.sessions.end_all();
  // A moment for the closes to go out before the threads stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (auto& io : ios) io->stop();
  for (auto& t : workers) t.join();
  ios.clear();
  return 0;
}

}  // namespace gh::connector
