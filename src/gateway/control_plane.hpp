// The gateway's control plane: the review board and the grant book (in the
// store's SQLite file), their audit journal, the webhook, the expiry sweep
// and the HTTP API. run_gateway() opens it after the audit journals are
// recovered and before any session can start, and stops it after the last
// session has ended and before the last ingest.
//
// Threads: one of its own runs the HTTP listener and the once-a-second grant
// sweep (API handlers wait on SQLite; no session's io thread ever does for
// them); the webhook has its own. Reviews and grants changes are recorded in
// a journal of their own (thread index control_journal_index), written under
// a lock and flushed per event, which the ingester chains like the others.
//
//   auto cp = control_plane::open(*svc, sqlite_path, threads);  // sets svc->reviews, svc->grants
//   ...workers get cp->counts(i) for their counting_sink...
//   cp->start();
//   ...sessions drained, workers joined...
//   cp->stop();
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/expected.hpp"
#include "gateway/net.hpp"
#include "gateway/statement_counts.hpp"

namespace gh::http {
class api;
class server;
class webhook;
}  // namespace gh::http

namespace gh::gateway {

class services;
class sqlite_grant_book;
class sqlite_review_board;
class locked_journal;

inline constexpr unsigned control_journal_index = 1000;

class control_plane {
 public:
  // Opens the review tables and the control journal, loads the grants,
  // orphans reviews left pending, starts the webhook and binds the HTTP
  // listener (when gateway.http is set). The error says what failed.
  static expected<std::unique_ptr<control_plane>, std::string> open(services& svc,
                                                                    const std::string& sqlite_path,
                                                                    unsigned workers);
  ~control_plane();
  control_plane(const control_plane&) = delete;
  control_plane& operator=(const control_plane&) = delete;

  // Worker i's statement counters (for its counting_sink).
  std::shared_ptr<statement_counts> counts(unsigned worker) const { return counts_.at(worker); }

  void start();
  // Stops the listener, the sweep and the webhook, and closes the journal.
  void stop();

 private:
  explicit control_plane(services& svc);
  void schedule_sweep();
  std::string metrics_text() const;

  services& svc_;
  std::string journal_dir_;
  std::vector<std::shared_ptr<statement_counts>> counts_;
  std::shared_ptr<locked_journal> journal_;
  std::shared_ptr<http::webhook> webhook_;
  std::shared_ptr<sqlite_grant_book> grants_;
  std::shared_ptr<sqlite_review_board> reviews_;
  std::unique_ptr<http::api> api_;
  // Declared after what its handlers use: destroying it destroys them.
  net::asio::io_context io_{1};
  std::unique_ptr<http::server> server_;
  net::asio::steady_timer sweep_timer_{io_};
  std::thread thread_;
};

}  // namespace gh::gateway
