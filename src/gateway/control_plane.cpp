#include "gateway/control_plane.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <mutex>

#include "gateway/services.hpp"
#include "gateway/sqlite_grant_book.hpp"
#include "gateway/sqlite_review_board.hpp"
#include "http/api.hpp"
#include "http/metrics.hpp"
#include "http/records_json.hpp"
#include "http/server.hpp"
#include "http/webhook.hpp"
#include "store/journal.hpp"
#include "store/journal_files.hpp"
#include "store/review_store.hpp"
#include "wire/pg/scram.hpp"

#ifndef GH_VERSION
#define GH_VERSION "unknown"
#endif

namespace gh::gateway {

// The control plane's audit journal: written from the HTTP thread, the
// sweep and the io threads (a session opening or withdrawing a review), so
// under a lock; flushed per event, since a change is not made before it is
// recorded.
class locked_journal {
 public:
  explicit locked_journal(store::journal_writer w) : writer_(std::move(w)) {}

  bool record(const audit::event& e) {
    std::lock_guard lock(mutex_);
    if (auto r = writer_.append(e); !r) {
      spdlog::error("audit: a {} event could not be encoded; the change is refused",
                    audit::to_string(e.kind));
      return false;
    }
    if (auto r = writer_.flush(); !r) {
      spdlog::error("audit: cannot write the control journal: {}; the change is refused",
                    r.error().message());
      return false;
    }
    return true;
  }

 private:
  std::mutex mutex_;
  store::journal_writer writer_;
};

namespace {

sys_time system_now() { return std::chrono::system_clock::now(); }

// Bytes of journal the ingester has not moved into the store yet.
std::uint64_t journal_bytes(const std::string& dir) {
  std::uint64_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".journal") continue;
    auto size = e.file_size(ec);
    if (!ec) n += size;
  }
  return n;
}

}  // namespace

control_plane::control_plane(services& svc) : svc_(svc) {}

expected<std::unique_ptr<control_plane>, std::string> control_plane::open(
    services& svc, const std::string& sqlite_path, unsigned workers) {
  const config::config& c = svc.cfg();
  std::unique_ptr<control_plane> cp(new control_plane(svc));
  for (unsigned i = 0; i < workers; ++i)
    cp->counts_.push_back(std::make_shared<statement_counts>());
  cp->journal_dir_ = store::journal_dir_for(sqlite_path).string();

  store::journal_options jopt;
  jopt.statement_max = c.limits.statement_max;
  auto writer = store::journal_writer::open(cp->journal_dir_, control_journal_index, jopt);
  if (!writer)
    return unexpected("cannot open the control audit journal in " + cp->journal_dir_ + ": " +
                      writer.error().message());
  cp->journal_ = std::make_shared<locked_journal>(std::move(*writer));

  if (!c.notify.webhook.empty()) {
    auto w = http::webhook::start(c.notify.webhook.reveal());
    if (!w) return unexpected(w.error());
    cp->webhook_ = std::move(*w);
    spdlog::info("webhook notifications to {}", cp->webhook_->origin());
  }

  std::string public_url = c.gateway.http ? c.gateway.http->public_url : std::string();
  change_hooks hooks;
  hooks.audit = [j = cp->journal_](const audit::event& e) { return j->record(e); };
  if (cp->webhook_) {
    hooks.review_changed = [w = cp->webhook_, public_url](const review_record& r) {
      w->post(http::review_event_json(r, public_url, system_now()));
    };
    hooks.grant_changed = [w = cp->webhook_](const grant_record& g, std::string_view what) {
      w->post(http::grant_event_json(g, what, system_now()));
    };
  }

  auto rs = store::review_store::open(sqlite_path);
  if (!rs) return unexpected("cannot open the review store: " + rs.error());
  std::shared_ptr<store::review_store> shared_store = std::move(*rs);
  auto book = sqlite_grant_book::load(shared_store, c.rules, hooks, svc.rng(), system_now);
  if (!book) return unexpected(book.error());
  cp->grants_ = std::move(*book);
  auto board = sqlite_review_board::load(shared_store, cp->grants_, hooks, svc.rng(), system_now);
  if (!board) return unexpected(board.error());
  cp->reviews_ = std::move(*board);
  svc.reviews = cp->reviews_;
  svc.grants = cp->grants_;

  if (c.gateway.http) {
    cp->api_ = std::make_unique<http::api>(
        http::api_context{*cp->reviews_, *cp->grants_, public_url, system_now,
                          [p = cp.get()] { return p->metrics_text(); }});
    // The token lives in the coroutine's frame until authenticate completes.
    http::authenticator auth =
        [&svc](std::string token) -> net::awaitable<std::optional<identity::principal>> {
      auto who = co_await svc.authenticate(token);
      if (!who) {
        spdlog::info("http: authentication failed: {}", who.error().reason);
        co_return std::nullopt;
      }
      co_return std::move(*who);
    };
    auto s = http::server::bind(cp->io_, *c.gateway.http, *cp->api_, std::move(auth));
    if (!s) return unexpected(s.error() + " (gateway.http.listen)");
    cp->server_ = std::move(*s);
  }
  return cp;
}

control_plane::~control_plane() {
  stop();
  server_.reset();  // its acceptor before the io_context it belongs to
  svc_.reviews.reset();
  svc_.grants.reset();
}

void control_plane::start() {
  if (server_) {
    server_->start();
    const auto& h = *svc_.cfg().gateway.http;
    spdlog::info("http listener on {}:{} ({}); reviewers use {}", h.host, server_->port(),
                 server_->tls() ? "TLS" : "no TLS: tokens from loopback clients only", h.public_url);
  }
  schedule_sweep();
  thread_ = std::thread([this] {
    auto guard = net::asio::make_work_guard(io_);
    io_.run();
  });
}

void control_plane::stop() {
  if (thread_.joinable()) {
    io_.stop();
    thread_.join();
  }
  // The io thread is gone: its objects may be touched from here.
  if (server_) server_->stop();
  sweep_timer_.cancel();
  if (webhook_) webhook_->close();
}

void control_plane::schedule_sweep() {
  sweep_timer_.expires_after(std::chrono::seconds(1));
  sweep_timer_.async_wait([this](net::error_code ec) {
    if (ec) return;
    grants_->sweep();
    schedule_sweep();
  });
}

std::string control_plane::metrics_text() const {
  http::metrics_sample m;
  m.version = GH_VERSION;
  m.sessions_open = svc_.active_sessions.load(std::memory_order_relaxed);
  for (const auto& c : counts_) {
    m.statements_allow += c->allow.load(std::memory_order_relaxed);
    m.statements_review += c->review.load(std::memory_order_relaxed);
    m.statements_deny += c->deny.load(std::memory_order_relaxed);
  }
  m.reviews_pending = reviews_->pending_count();
  m.grants_active = grants_->active_count(system_now());
  m.audit_journal_bytes = journal_bytes(journal_dir_);
  if (webhook_) {
    auto s = webhook_->stats();
    m.webhook_sent = s.sent;
    m.webhook_failed = s.failed;
    m.webhook_dropped = s.dropped;
  }
  auto scram = svc_.scram_keys().stats();
  m.scram_keys_derived = scram.derived;
  m.scram_keys_reused = scram.reused;
  return http::render_metrics(m);
}

}  // namespace gh::gateway
