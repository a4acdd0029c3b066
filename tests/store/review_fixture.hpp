// A review board and a grant book on a real SQLite file in a temp dir, with
// a clock the test moves, deterministic ids, and the audit and webhook hooks
// captured. Shared by the board, book and HTTP API tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/sqlite_grant_book.hpp"
#include "gateway/sqlite_review_board.hpp"
#include "store/review_store.hpp"
#include "store_support.hpp"

namespace gh::gateway::testing {

inline policy::rule make_rule(std::string name, std::vector<std::string> principals,
                              std::vector<std::string> reviewers, bool jit = false,
                              std::optional<std::chrono::seconds> max = std::nullopt) {
  policy::rule r;
  r.name = std::move(name);
  r.principals = std::move(principals);
  r.connections = {"app"};
  r.allow = {sql::statement_class::read};
  r.review = {sql::statement_class::write};
  r.reviewers = std::move(reviewers);
  r.jit = jit;
  r.jit_max = max;
  return r;
}

// agents-read: held writes reviewed by dba-alice or group dba.
// oncall-write: jit, at most 8h, for chatgpt-agent and group agents.
// open-read: no jit.
inline std::vector<policy::rule> standard_rules() {
  return {make_rule("agents-read", {"chatgpt-agent", "group:agents"}, {"dba-alice", "group:dba"}),
          make_rule("oncall-write", {"chatgpt-agent", "group:agents"}, {"group:dba"}, true,
                    std::chrono::hours(8)),
          make_rule("open-read", {"group:agents"}, {"dba-alice"})};
}

inline identity::principal who(std::string name, std::vector<std::string> groups = {}) {
  return identity::principal{std::move(name), std::move(groups), "service_token", std::nullopt};
}

struct review_fixture {
  store::testing::temp_dir dir;
  sys_time now = from_unix_micros(1'800'000'000'000'000);  // 2027-01-15
  bool audit_works = true;
  std::mutex mutex;
  std::vector<audit::event> audited;
  std::vector<std::string> notified;  // "review.pending r-..." / "grant.started g-..."
  std::uint64_t next_id = 0;

  std::shared_ptr<store::review_store> store;
  std::shared_ptr<sqlite_grant_book> book;
  std::shared_ptr<sqlite_review_board> board;

  review_fixture() { load(); }

  // (Re)opens everything on the same file, as a gateway restart does.
  void load() {
    board.reset();
    book.reset();
    store.reset();
    auto s = store::review_store::open(dir.db());
    ASSERT_TRUE(s) << s.error();
    store = std::move(*s);
    auto b = sqlite_grant_book::load(store, standard_rules(), hooks(), rng(), clock());
    ASSERT_TRUE(b) << b.error();
    book = std::move(*b);
    auto r = sqlite_review_board::load(store, book, hooks(), rng(), clock());
    ASSERT_TRUE(r) << r.error();
    board = std::move(*r);
  }

  clock_fn clock() {
    return [this] { return now; };
  }

  random_source rng() {
    return [this](void* out, std::size_t n) {
      std::lock_guard lock(mutex);
      ++next_id;
      auto* p = static_cast<unsigned char*>(out);
      for (std::size_t i = 0; i < n; ++i)
        p[n - 1 - i] = static_cast<unsigned char>(next_id >> (8 * (i % 8)));
    };
  }

  change_hooks hooks() {
    change_hooks h;
    h.audit = [this](const audit::event& e) {
      std::lock_guard lock(mutex);
      if (!audit_works) return false;
      audited.push_back(e);
      return true;
    };
    h.review_changed = [this](const review_record& r) {
      std::lock_guard lock(mutex);
      notified.push_back("review." + std::string(to_string(r.state)) + " " + r.id);
    };
    h.grant_changed = [this](const grant_record& g, std::string_view what) {
      std::lock_guard lock(mutex);
      notified.push_back("grant." + std::string(what) + " " + g.id);
    };
    return h;
  }

  // "kind decision ref" of each audited event, in order.
  std::vector<std::string> audit_lines() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& e : audited)
      out.push_back(std::string(audit::to_string(e.kind)) + " " + e.decision + " " + e.ref);
    return out;
  }

  review_subject statement_subject(std::string principal = "chatgpt-agent",
                                   std::vector<std::string> groups = {"agents"}) {
    review_subject s;
    s.kind = review_kind::statement;
    s.principal = std::move(principal);
    s.groups = std::move(groups);
    s.session = "s-00000000000a";
    s.client = "127.0.0.1:5555";
    s.connection = "app";
    s.statement = "UPDATE orders SET total = 0 WHERE id = 7";
    s.cls = "write";
    s.tables = {"public.orders"};
    s.rule = "agents-read";
    s.reviewers = {"dba-alice", "group:dba"};
    return s;
  }
};

}  // namespace gh::gateway::testing
