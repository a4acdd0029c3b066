#include "gateway/sqlite_review_board.hpp"

#include <spdlog/spdlog.h>

#include "common/encoding.hpp"
#include "gateway/review_rows.hpp"
#include "policy/match.hpp"

namespace gh::gateway {

expected<std::unique_ptr<sqlite_review_board>, std::string> sqlite_review_board::load(
    std::shared_ptr<store::review_store> store, std::shared_ptr<sqlite_grant_book> grants,
    change_hooks hooks, random_source rng, clock_fn clock) {
  std::unique_ptr<sqlite_review_board> board(new sqlite_review_board(
      std::move(store), std::move(grants), std::move(hooks), std::move(rng), std::move(clock)));
  if (auto r = board->orphan_all(); !r) return unexpected(r.error());
  return board;
}

sqlite_review_board::sqlite_review_board(std::shared_ptr<store::review_store> store,
                                         std::shared_ptr<sqlite_grant_book> grants,
                                         change_hooks hooks, random_source rng, clock_fn clock)
    : store_(std::move(store)),
      grants_(std::move(grants)),
      hooks_(std::move(hooks)),
      rng_(std::move(rng)),
      clock_(std::move(clock)) {}

// Whoever waited on these reviews went away with the last run: a statement's
// session cannot be resumed, and an access request is asked again rather
// than granted to a requester that may have moved on.
expected<void, std::string> sqlite_review_board::orphan_all() {
  auto rows = store_->reviews("pending", SIZE_MAX);
  if (!rows) return unexpected("cannot read the reviews: " + rows.error());
  sys_time now = clock_();
  std::size_t n = 0;
  for (const auto& row : *rows) {
    auto r = from_row(row);
    if (!r) {
      spdlog::warn("review {}: stored with a kind or state this build does not know; left as it is",
                   row.id);
      continue;
    }
    r->state = review_state::orphaned;
    r->decided = now;
    r->decided_by = "gatehouse";
    r->comment = "the gateway restarted while the review was pending";
    if (auto s = store_end(*r, nullptr); !s)
      return unexpected("cannot mark review " + r->id +
                        " orphaned: " + std::string(describe(s.error())));
    if (hooks_.review_changed) hooks_.review_changed(*r);
    ++n;
  }
  if (n) spdlog::info("{} reviews left pending by the last run are now orphaned", n);
  return {};
}

expected<std::string, review_error> sqlite_review_board::open(
    review_subject s, std::function<void(const review_outcome&)> notify) {
  review_record r;
  r.id = "r-" + to_hex(random_bytes(rng_, 6));
  r.subject = std::move(s);
  r.created = clock_();
  {
    std::lock_guard lock(mutex_);
    store::review_store::transaction tx(*store_);
    auto stored = tx.ok() ? store_->insert_review(to_row(r))
                          : expected<void, std::string>(unexpected(tx.error()));
    if (!stored) {
      spdlog::error("cannot store review: {}", stored.error());
      return unexpected(review_error::store_failed);
    }
    if (!hooks_.audit(review_event(r, r.created))) return unexpected(review_error::store_failed);
    if (auto c = tx.commit(); !c) {
      spdlog::error("cannot store review {}: {}", r.id, c.error());
      return unexpected(review_error::store_failed);
    }
    pending_.emplace(r.id, waiting{r, std::move(notify)});
  }
  spdlog::info("review {} opened: {} {} under rule {}", r.id, r.subject.principal,
               r.subject.kind == review_kind::access ? "asks for access" : "holds a statement",
               r.subject.rule);
  if (hooks_.review_changed) hooks_.review_changed(r);
  return r.id;
}

expected<void, review_error> sqlite_review_board::store_end(const review_record& r,
                                                            const grant_record* grant) {
  store::review_store::transaction tx(*store_);
  if (!tx.ok()) {
    spdlog::error("cannot store review {}: {}", r.id, tx.error());
    return unexpected(review_error::store_failed);
  }
  if (grant)
    if (auto g = grants_->save(*grant); !g) return unexpected(review_error::store_failed);
  auto changed = store_->finish_review(to_row(r));
  if (!changed) {
    spdlog::error("cannot store review {}: {}", r.id, changed.error());
    return unexpected(review_error::store_failed);
  }
  if (!*changed) return unexpected(review_error::not_pending);
  if (!hooks_.audit(review_event(r, *r.decided))) return unexpected(review_error::store_failed);
  if (auto c = tx.commit(); !c) {
    spdlog::error("cannot store review {}: {}", r.id, c.error());
    return unexpected(review_error::store_failed);
  }
  return {};
}

void sqlite_review_board::withdraw(const std::string& id, review_state why) {
  if (why == review_state::pending || why == review_state::approved) return;  // not a withdrawal
  waiting w;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    w = std::move(it->second);
    pending_.erase(it);
    w.record.state = why;
    w.record.decided = clock_();
    w.record.decided_by = "gatehouse";
    w.record.comment = why == review_state::expired ? "no decision within gateway.review_timeout"
                       : why == review_state::cancelled ? "the client cancelled or went away"
                                                        : "";
    // The session ends its wait whatever the store says; a row left pending
    // by a failure here is orphaned at the next start, never decidable.
    if (auto s = store_end(w.record, nullptr); !s)
      spdlog::error("review {} {}: not recorded ({})", id, to_string(why), describe(s.error()));
  }
  spdlog::info("review {} {}", id, to_string(why));
  if (hooks_.review_changed) hooks_.review_changed(w.record);
  if (w.notify) w.notify(review_outcome{why, w.record.decided_by, w.record.comment});
}

std::optional<review_error> sqlite_review_board::check_reviewer(
    const review_subject& s, const identity::principal& reviewer) {
  if (reviewer.name == s.principal) return review_error::self_review;
  if (!policy::names_someone(s.reviewers, reviewer.name, reviewer.groups))
    return review_error::not_a_reviewer;
  return std::nullopt;
}

// A review no longer in memory: 404, 403 or 409, in that order, so that
// someone who may not decide it learns nothing of its state from trying.
expected<review_record, review_error> sqlite_review_board::refuse_decided(
    const std::string& id, const identity::principal& reviewer) const {
  auto r = get(id);
  if (!r) return unexpected(review_error::not_found);
  if (auto e = check_reviewer(r->subject, reviewer)) return unexpected(*e);
  return unexpected(review_error::not_pending);
}

expected<review_record, review_error> sqlite_review_board::decide(
    const std::string& id, bool approve, const identity::principal& reviewer, std::string comment) {
  waiting w;
  std::optional<grant_record> grant;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return refuse_decided(id, reviewer);
    review_record r = it->second.record;
    if (auto e = check_reviewer(r.subject, reviewer)) return unexpected(*e);
    r.state = approve ? review_state::approved : review_state::rejected;
    r.decided = clock_();
    r.decided_by = reviewer.name;
    r.comment = std::move(comment);
    if (approve && r.subject.kind == review_kind::access) {
      const review_subject& s = r.subject;
      auto g = grants_->make(s.principal, s.rule, s.duration, reviewer, s.reason, r.id, *r.decided);
      if (!g) {
        // The subject was checked against the same rules when it opened.
        spdlog::error("review {}: the grant it asks for cannot be made: {}", id,
                      describe(g.error()));
        if (g.error() == grant_error::not_a_reviewer)
          return unexpected(review_error::not_a_reviewer);
        if (g.error() == grant_error::self_grant) return unexpected(review_error::self_review);
        return unexpected(review_error::store_failed);
      }
      r.grant_id = g->id;
      grant = std::move(*g);
    }
    if (auto s = store_end(r, grant ? &*grant : nullptr); !s) return unexpected(s.error());
    w.notify = std::move(it->second.notify);
    w.record = std::move(r);
    pending_.erase(it);
  }
  spdlog::info("review {} {} by {}", id, to_string(w.record.state), reviewer.name);
  if (grant) grants_->publish(*grant);
  if (hooks_.review_changed) hooks_.review_changed(w.record);
  if (w.notify) w.notify(review_outcome{w.record.state, w.record.decided_by, w.record.comment});
  return w.record;
}

std::optional<review_record> sqlite_review_board::get(const std::string& id) const {
  auto row = store_->review(id);
  if (!row) {
    spdlog::error("cannot read review {}: {}", id, row.error());
    return std::nullopt;
  }
  if (!*row) return std::nullopt;
  return from_row(**row);
}

std::vector<review_record> sqlite_review_board::list(std::optional<review_state> state,
                                                     std::size_t limit) const {
  std::vector<review_record> out;
  auto rows = store_->reviews(state ? std::string(to_string(*state)) : std::string(), limit);
  if (!rows) {
    spdlog::error("cannot list reviews: {}", rows.error());
    return out;
  }
  for (const auto& row : *rows)
    if (auto r = from_row(row)) out.push_back(std::move(*r));
  return out;
}

std::size_t sqlite_review_board::pending_count() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace gh::gateway
