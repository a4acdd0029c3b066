// Reviews and grants in SQLite, in the same file as the audit log (its own
// connection, WAL and busy_timeout as every store connection). Rows only:
// who may decide what is the gateway's business (gateway/sqlite_review_board,
// gateway/sqlite_grant_book); this file stores and reads back exactly.
//
//   reviews(id TEXT PRIMARY KEY, kind, state, principal, groups, session, client,
//           connection, statement, class, tables, rule, reviewers, duration_s,
//           reason, created_us, decided_us, decided_by, comment, grant_id)
//     index: (state, created_us)
//   grants(id TEXT PRIMARY KEY, principal, rule, from_us, until_us, approver,
//          reason, review_id, revoked_us, revoked_by, ended)
//     index: (ended) for the grants still to watch
//
// Lists (groups, tables, reviewers) are stored one item per line, escaped as
// the audit log's `tables` column is. `ended` is 1 once the grant's end
// (revocation or expiry) has been recorded, so that it is recorded once.
//
// Thread-safe: every call takes the store's lock. A transaction holds it from
// begin to commit/rollback (on the same thread), so that several writes and
// the audit record of them go together.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "store/sqlite_db.hpp"

namespace gh::store {

struct review_row {
  std::string id;
  std::string kind;   // "statement" / "access"
  std::string state;  // "pending", "approved", ...
  std::string principal;
  std::vector<std::string> groups;
  std::string session, client, connection, statement, cls;
  std::vector<std::string> tables;
  std::string rule;
  std::vector<std::string> reviewers;
  std::int64_t duration_s = 0;
  std::string reason;
  std::int64_t created_us = 0;
  std::optional<std::int64_t> decided_us;
  std::string decided_by, comment, grant_id;
};

struct grant_row {
  std::string id;
  std::string principal;
  std::string rule;
  std::int64_t from_us = 0;
  std::int64_t until_us = 0;
  std::string approver;
  std::string reason;
  std::string review_id;
  std::optional<std::int64_t> revoked_us;
  std::string revoked_by;
  bool ended = false;
};

struct grant_query {
  std::optional<std::string> principal;
  std::optional<std::string> rule;
  std::optional<std::int64_t> active_at_us;  // only grants in force then (not revoked)
  std::size_t limit = 1000;                  // newest first
};

class review_store {
 public:
  // Opens `path` read-write and creates the tables when missing.
  static expected<std::unique_ptr<review_store>, std::string> open(const std::string& path);

  // A transaction: holds the store's lock until commit() or destruction
  // (which rolls back what was not committed).
  class transaction {
   public:
    explicit transaction(review_store& s);
    ~transaction();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    bool ok() const noexcept { return began_; }
    const std::string& error() const noexcept { return error_; }
    expected<void, std::string> commit();

   private:
    review_store& s_;
    std::unique_lock<std::recursive_mutex> lock_;
    bool began_ = false, done_ = false;
    std::string error_;
  };

  expected<void, std::string> insert_review(const review_row& r);
  // Moves a review from `pending` to `r.state` with the decision fields of
  // `r`. False when it was not pending (nothing changed).
  expected<bool, std::string> finish_review(const review_row& r);
  expected<std::optional<review_row>, std::string> review(const std::string& id);
  // Newest first; every state when `state` is empty.
  expected<std::vector<review_row>, std::string> reviews(const std::string& state,
                                                         std::size_t limit);

  expected<void, std::string> insert_grant(const grant_row& g);
  // Sets revoked_us/revoked_by and ended. False when already revoked.
  expected<bool, std::string> revoke_grant(const std::string& id, std::int64_t at_us,
                                           const std::string& by);
  expected<void, std::string> mark_grant_ended(const std::string& id);
  expected<std::optional<grant_row>, std::string> grant(const std::string& id);
  expected<std::vector<grant_row>, std::string> grants(const grant_query& q);
  // Grants whose end is not recorded yet: the active ones, and those that
  // expired while the gateway was down.
  expected<std::vector<grant_row>, std::string> grants_not_ended();

 private:
  explicit review_store(sqlite_db db) noexcept : db_(std::move(db)) {}

  std::recursive_mutex mutex_;
  sqlite_db db_;
};

}  // namespace gh::store
