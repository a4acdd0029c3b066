// The grant book, kept in the store (store/review_store.hpp) and, for the
// sessions' hot path, in memory: active_for() reads an index under a shared
// lock and never touches SQLite; version() is one atomic load.
//
// Writes (add, revoke, the expiry sweep) are serialised, stored and audited
// in one transaction before the index changes: a grant exists for sessions
// only once it is on disk and in the audit journal. Expiry needs no write to
// take effect (sessions compare `until` with their clock); sweep() only
// records that a grant ended, once, and tells the webhook.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/random.hpp"
#include "gateway/change_hooks.hpp"
#include "gateway/grant_book.hpp"
#include "gateway/review_board.hpp"
#include "identity/principal.hpp"
#include "policy/rule.hpp"
#include "store/review_store.hpp"

namespace gh::gateway {

struct grant_filter {
  std::optional<std::string> principal;
  std::optional<std::string> rule;
  bool active_only = false;  // in force now: started, not ended, not revoked
  std::size_t limit = 1000;  // newest first
};

class sqlite_grant_book final : public grant_book {
 public:
  // Loads the grants whose end is not yet recorded. `rules` are the
  // configuration's (copied); grants name them.
  static expected<std::unique_ptr<sqlite_grant_book>, std::string> load(
      std::shared_ptr<store::review_store> store, std::vector<policy::rule> rules,
      change_hooks hooks, random_source rng, clock_fn clock);

  active_grants active_for(std::string_view principal, sys_time now) const override;
  std::uint64_t version() const noexcept override {
    return version_.load(std::memory_order_acquire);
  }

  // A reviewer of jit rule `rule` grants `principal` access from now for
  // `duration` (at most the rule's jit max). Never to the approver itself.
  expected<grant_record, grant_error> add(const std::string& principal, const std::string& rule,
                                          std::chrono::seconds duration,
                                          const identity::principal& approver, std::string reason);
  // By a reviewer of the grant's rule, or by its holder giving it up.
  expected<grant_record, grant_error> revoke(const std::string& id, const identity::principal& by);
  expected<std::optional<grant_record>, grant_error> get(const std::string& id) const;
  expected<std::vector<grant_record>, grant_error> list(const grant_filter& f) const;

  // `gatehouse grant request`: checks that `who` may ask for `duration`
  // under `rule` (a jit rule naming it) and returns the access review to open.
  expected<review_subject, grant_error> access_request(const identity::principal& who,
                                                       const std::string& rule,
                                                       std::chrono::seconds duration,
                                                       std::string reason) const;

  // Records the end of every grant whose time is up: an audit event
  // "expired" and the hook, once per grant. The gateway calls it every second.
  void sweep();
  std::size_t active_count(sys_time now) const;
  // The configuration's rule of that name, or null.
  const policy::rule* rule(std::string_view name) const;

  // For the review board, which grants inside its own transaction when an
  // access review is approved: make() checks and builds the grant, save()
  // writes and audits it (the caller holds a store transaction and commits),
  // publish() makes it visible to sessions once committed. The grant runs
  // from `from` (the decision's time) for `duration`.
  expected<grant_record, grant_error> make(const std::string& principal, const std::string& rule,
                                           std::chrono::seconds duration,
                                           const identity::principal& approver, std::string reason,
                                           std::string review_id, sys_time from) const;
  expected<void, grant_error> save(const grant_record& g);
  void publish(const grant_record& g);

 private:
  sqlite_grant_book(std::shared_ptr<store::review_store> store, std::vector<policy::rule> rules,
                    change_hooks hooks, random_source rng, clock_fn clock);
  expected<const policy::rule*, grant_error> jit_rule(std::string_view name,
                                                      std::chrono::seconds duration) const;
  void end_grant(const grant_record& g, sys_time now);
  void erase_from_index(const grant_record& g);

  std::shared_ptr<store::review_store> store_;
  std::vector<policy::rule> rules_;
  change_hooks hooks_;
  random_source rng_;
  clock_fn clock_;

  std::mutex write_mutex_;  // add, revoke and sweep, one at a time
  mutable std::shared_mutex index_mutex_;
  // Grants whose end is not recorded yet, by holder.
  std::unordered_map<std::string, std::vector<grant_record>> index_;
  std::atomic<std::uint64_t> version_{1};
};

}  // namespace gh::gateway
