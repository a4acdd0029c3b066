#include "gateway/server.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <memory>
#include <vector>

#include "connector/hub.hpp"
#include "gateway/control_plane.hpp"
#include "gateway/journal_sink.hpp"
#include "gateway/mysql_listener.hpp"
#include "gateway/pg_session.hpp"
#include "gateway/services.hpp"
#include "gateway/statement_counts.hpp"
#include "gateway/worker.hpp"
#include "store/ingester.hpp"
#include "store/journal_files.hpp"
#include "wire/pg/backend.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
using net::tcp;
using net::use_nothrow;

std::string sqlite_path_of(const std::string& store) {
  constexpr std::string_view prefix = "sqlite:";
  if (store.rfind(prefix, 0) == 0) return store.substr(prefix.size());
  throw std::runtime_error("gateway.store \"" + store.substr(0, store.find(':')) +
                           ":...\" is not supported yet: use \"sqlite:PATH\"");
}

tcp::endpoint endpoint_of(const config::listener& l) {
  net::error_code ec;
  auto addr = asio::ip::make_address(l.host, ec);
  if (ec) throw std::runtime_error("listen address \"" + l.host + "\" is not an IP address");
  return {addr, l.port};
}

// Accepts on worker 0 and hands each socket to the next worker in turn, so
// sessions spread evenly and each stays on one thread for its life.
net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::vector<std::unique_ptr<worker>>& workers,
                                 services& svc) {
  std::size_t next = 0;
  for (;;) {
    worker& w = *workers[next];
    next = (next + 1) % workers.size();
    auto [ec, sock] = co_await acceptor.async_accept(w.io(), use_nothrow);
    if (ec == asio::error::operation_aborted || svc.draining.load()) co_return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    // Over limits.max_connections the session answers 53300 itself, after
    // reading the startup packet as PostgreSQL does.
    asio::co_spawn(w.io(), run_pg_session(std::move(sock), w), asio::detached);
  }
}

}  // namespace

int run_gateway(config::config cfg) {
  // A file-size limit (or a full quota) must fail a write with EFBIG, which
  // the audit path turns into refusals, not kill the gateway.
  std::signal(SIGXFSZ, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<services> svc;
  std::unique_ptr<store::ingester> ingester;
  std::unique_ptr<control_plane> plane;  // before the workers: their sessions may end reviews as they go
  std::vector<std::unique_ptr<worker>> workers;
  std::string sqlite_path;
  try {
    svc = std::make_unique<services>(std::move(cfg));
    sqlite_path = sqlite_path_of(svc->cfg().gateway.store);
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  const config::config& c = svc->cfg();

  auto ing = store::ingester::open(sqlite_path, store::journal_dir_for(sqlite_path));
  if (!ing) {
    spdlog::critical("cannot open the audit store {}: {}", sqlite_path, ing.error());
    return 1;
  }
  ingester = std::move(*ing);
  if (auto r = ingester->recover(); !r) {
    spdlog::critical("cannot recover the audit journals: {}", r.error());
    return 1;
  } else if (*r > 0) {
    spdlog::info("recovered {} audit events left by an earlier run", *r);
  }

  unsigned threads = c.gateway.threads > 0 ? static_cast<unsigned>(c.gateway.threads)
                                           : std::max(1u, std::thread::hardware_concurrency());
  // Reviews, grants and the HTTP API, before any session can start.
  if (auto p = control_plane::open(*svc, sqlite_path, threads); !p) {
    spdlog::critical("cannot start: {}", p.error());
    return 1;
  } else {
    plane = std::move(*p);
  }

  store::journal_options jopt;
  jopt.statement_max = c.limits.statement_max;
  for (unsigned i = 0; i < threads; ++i) {
    auto writer = store::journal_writer::open(store::journal_dir_for(sqlite_path), i, jopt);
    if (!writer) {
      spdlog::critical("cannot open the audit journal in {}: {}", store::journal_dir_for(sqlite_path).string(),
                       writer.error().message());
      return 1;
    }
    auto sink = std::make_unique<counting_sink>(
        std::make_unique<journal_sink>(std::move(*writer)), plane->counts(i));
    workers.push_back(std::make_unique<worker>(i, *svc, std::move(sink)));
  }

  // Connectors dial in here (issue 7); before the PostgreSQL listener, so
  // that the first session finds the hub.
  if (c.gateway.connectors) {
    try {
      svc->connectors = std::make_shared<connector::hub>(
          c.connectors, connector::make_listener_tls(*c.gateway.connectors->tls), svc->rng());
      svc->connectors->listen(workers[0]->io(), *c.gateway.connectors);
    } catch (const std::exception& e) {
      spdlog::critical("cannot start: {}", e.what());
      return 1;
    }
    spdlog::info("connectors listener on {}:{} (TLS)", c.gateway.connectors->host, c.gateway.connectors->port);
  }

  std::unique_ptr<tcp::acceptor> pg_acceptor;
  if (c.gateway.postgres) {
    try {
      auto ep = endpoint_of(*c.gateway.postgres);
      pg_acceptor = std::make_unique<tcp::acceptor>(workers[0]->io());
      pg_acceptor->open(ep.protocol());
      pg_acceptor->set_option(tcp::acceptor::reuse_address(true));
      pg_acceptor->bind(ep);
      pg_acceptor->listen(asio::socket_base::max_listen_connections);
    } catch (const std::exception& e) {
      spdlog::critical("cannot listen on {}:{} (gateway.postgres.listen): {}", c.gateway.postgres->host,
                       c.gateway.postgres->port, e.what());
      return 1;
    }
    asio::co_spawn(workers[0]->io(), accept_loop(*pg_acceptor, workers, *svc), asio::detached);
    spdlog::info("postgres listener on {}:{} ({})", c.gateway.postgres->host, c.gateway.postgres->port,
                 svc->pg_tls() ? "TLS" : "no TLS: loopback clients only");
  }

  std::unique_ptr<mysql_listener> mysql;
  if (c.gateway.mysql) {
    try {
      mysql = std::make_unique<mysql_listener>(*c.gateway.mysql, workers, *svc);
    } catch (const std::exception& e) {
      spdlog::critical("cannot listen on {}:{} (gateway.mysql.listen): {}", c.gateway.mysql->host,
                       c.gateway.mysql->port, e.what());
      return 1;
    }
    mysql->start();
    spdlog::info("mysql listener on {}:{} ({})", c.gateway.mysql->host, c.gateway.mysql->port,
                 mysql->tls() ? "TLS" : "no TLS: loopback clients only");
  }

  ingester->start();
  for (auto& w : workers) w->start();
  plane->start();
  spdlog::info("gateway running with {} io threads; audit store {}", threads, sqlite_path);

  // Wait for a signal on the main thread.
  asio::io_context main_io;
  asio::signal_set signals(main_io, SIGINT, SIGTERM);
  int signal_number = 0;
  signals.async_wait([&](net::error_code, int sig) { signal_number = sig; });
  main_io.run();
  spdlog::info("signal {}: draining (no new sessions; running statements finish; up to {}s)", signal_number,
               c.gateway.drain_timeout.count());

  svc->draining = true;
  if (pg_acceptor) asio::post(workers[0]->io(), [&] {
    net::error_code ignored;
    pg_acceptor->close(ignored);
  });
  if (mysql) mysql->close();
  for (auto& w : workers) asio::post(w->io(), [wp = w.get()] { wp->drain_sessions(); });
  auto deadline = std::chrono::steady_clock::now() + c.gateway.drain_timeout;
  while (svc->active_sessions.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (auto left = svc->active_sessions.load(); left > 0)
    spdlog::warn("drain timeout: closing {} sessions still open", left);

  if (svc->connectors) svc->connectors->stop();  // connectors see the close and dial again
  for (auto& w : workers) w->io().stop();
  for (auto& w : workers) w->join();
  // The acceptors belong to worker 0's io_context: they go before it does.
  mysql.reset();
  pg_acceptor.reset();
  workers.clear();  // closes the journals after their last flush
  plane->stop();    // the HTTP API served reviewers until the last session ended
  auto flushed = ingester->flush_and_stop();
  if (!flushed) {
    spdlog::error("audit ingest at shutdown failed: {} (the journals stay on disk and are ingested at next start)",
                  flushed.error());
    return 1;
  }
  spdlog::info("gateway stopped; audit flushed");
  return 0;
}

}  // namespace gh::gateway
