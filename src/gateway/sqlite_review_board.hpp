// The review board, kept in the store (store/review_store.hpp). Pending
// reviews also live in memory with their session's `notify`: only those can
// be decided, so a review left pending by an earlier run (its session is
// gone) is marked orphaned when the board loads and is never decidable.
//
// Every change is stored and audited in one transaction before anything
// else sees it; if the audit record cannot be written the change is undone
// and the caller gets store_failed (fail closed). `notify` and the hooks run
// after the board's lock is released, so that a session or the webhook may
// call back into the board.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/random.hpp"
#include "gateway/change_hooks.hpp"
#include "gateway/review_board.hpp"
#include "gateway/sqlite_grant_book.hpp"
#include "store/review_store.hpp"

namespace gh::gateway {

class sqlite_review_board final : public review_board {
 public:
  // Marks every review still pending in the store orphaned (each audited).
  // `grants` makes the grant when an access review is approved.
  static expected<std::unique_ptr<sqlite_review_board>, std::string> load(
      std::shared_ptr<store::review_store> store, std::shared_ptr<sqlite_grant_book> grants,
      change_hooks hooks, random_source rng, clock_fn clock);

  expected<std::string, review_error> open(
      review_subject s, std::function<void(const review_outcome&)> notify) override;
  void withdraw(const std::string& id, review_state why) override;
  expected<review_record, review_error> decide(const std::string& id, bool approve,
                                               const identity::principal& reviewer,
                                               std::string comment) override;
  std::optional<review_record> get(const std::string& id) const override;
  std::vector<review_record> list(std::optional<review_state> state,
                                  std::size_t limit) const override;

  std::size_t pending_count() const;

 private:
  struct waiting {
    review_record record;
    std::function<void(const review_outcome&)> notify;
  };

  sqlite_review_board(std::shared_ptr<store::review_store> store,
                      std::shared_ptr<sqlite_grant_book> grants, change_hooks hooks,
                      random_source rng, clock_fn clock);
  expected<void, std::string> orphan_all();
  // Stores and audits `r` (no longer pending) inside one transaction, with
  // `grant` when an approval makes one.
  expected<void, review_error> store_end(const review_record& r, const grant_record* grant);
  expected<review_record, review_error> refuse_decided(const std::string& id,
                                                       const identity::principal& reviewer) const;
  static std::optional<review_error> check_reviewer(const review_subject& s,
                                                    const identity::principal& reviewer);

  std::shared_ptr<store::review_store> store_;
  std::shared_ptr<sqlite_grant_book> grants_;
  change_hooks hooks_;
  random_source rng_;
  clock_fn clock_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, waiting> pending_;
};

}  // namespace gh::gateway
