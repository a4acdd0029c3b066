#include "gateway/sqlite_grant_book.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/encoding.hpp"
#include "gateway/review_rows.hpp"
#include "policy/match.hpp"

namespace gh::gateway {

expected<std::unique_ptr<sqlite_grant_book>, std::string> sqlite_grant_book::load(
    std::shared_ptr<store::review_store> store, std::vector<policy::rule> rules, change_hooks hooks,
    random_source rng, clock_fn clock) {
  auto rows = store->grants_not_ended();
  if (!rows) return unexpected("cannot read the grants: " + rows.error());
  std::unique_ptr<sqlite_grant_book> book(new sqlite_grant_book(
      std::move(store), std::move(rules), std::move(hooks), std::move(rng), std::move(clock)));
  for (const auto& row : *rows) {
    grant_record g = from_row(row);
    if (g.revoked) continue;  // revoked rows are always ended; one that is not was edited
    book->index_[g.principal].push_back(std::move(g));
  }
  return book;
}

sqlite_grant_book::sqlite_grant_book(std::shared_ptr<store::review_store> store,
                                     std::vector<policy::rule> rules, change_hooks hooks,
                                     random_source rng, clock_fn clock)
    : store_(std::move(store)),
      rules_(std::move(rules)),
      hooks_(std::move(hooks)),
      rng_(std::move(rng)),
      clock_(std::move(clock)) {}

active_grants sqlite_grant_book::active_for(std::string_view principal, sys_time now) const {
  active_grants out;
  std::shared_lock lock(index_mutex_);
  auto it = index_.find(std::string(principal));
  if (it == index_.end()) return out;
  for (const auto& g : it->second) {
    if (g.revoked || now < g.from || now >= g.until) continue;
    if (std::find(out.rules.begin(), out.rules.end(), g.rule) == out.rules.end())
      out.rules.push_back(g.rule);
    if (!out.next_expiry || g.until < *out.next_expiry) out.next_expiry = g.until;
  }
  return out;
}

std::size_t sqlite_grant_book::active_count(sys_time now) const {
  std::size_t n = 0;
  std::shared_lock lock(index_mutex_);
  for (const auto& [who, grants] : index_)
    for (const auto& g : grants)
      if (!g.revoked && g.from <= now && now < g.until) ++n;
  return n;
}

const policy::rule* sqlite_grant_book::rule(std::string_view name) const {
  for (const auto& r : rules_)
    if (r.name == name) return &r;
  return nullptr;
}

expected<const policy::rule*, grant_error> sqlite_grant_book::jit_rule(
    std::string_view name, std::chrono::seconds duration) const {
  if (duration.count() <= 0) return unexpected(grant_error::bad_duration);
  const policy::rule* r = rule(name);
  if (!r) return unexpected(grant_error::unknown_rule);
  if (!r->jit) return unexpected(grant_error::not_jit);
  if (r->jit_max && duration > *r->jit_max) return unexpected(grant_error::too_long);
  return r;
}

expected<grant_record, grant_error> sqlite_grant_book::make(
    const std::string& principal, const std::string& rule, std::chrono::seconds duration,
    const identity::principal& approver, std::string reason, std::string review_id,
    sys_time from) const {
  auto r = jit_rule(rule, duration);
  if (!r) return unexpected(r.error());
  if (!policy::is_reviewer(**r, approver.name, approver.groups))
    return unexpected(grant_error::not_a_reviewer);
  if (approver.name == principal) return unexpected(grant_error::self_grant);
  grant_record g;
  g.id = "g-" + to_hex(random_bytes(rng_, 6));
  g.principal = principal;
  g.rule = rule;
  g.from = from;
  g.until = g.from + duration;
  g.approver = approver.name;
  g.reason = std::move(reason);
  g.review_id = std::move(review_id);
  return g;
}

expected<void, grant_error> sqlite_grant_book::save(const grant_record& g) {
  if (auto r = store_->insert_grant(to_row(g)); !r) {
    spdlog::error("cannot store grant {}: {}", g.id, r.error());
    return unexpected(grant_error::store_failed);
  }
  if (!hooks_.audit(grant_event(g, "added", g.approver, g.from)))
    return unexpected(grant_error::store_failed);
  return {};
}

void sqlite_grant_book::publish(const grant_record& g) {
  {
    std::unique_lock lock(index_mutex_);
    index_[g.principal].push_back(g);
    version_.fetch_add(1, std::memory_order_acq_rel);
  }
  spdlog::info("grant {} started: {} under rule {} until {}, approved by {}", g.id, g.principal,
               g.rule, format_rfc3339(g.until), g.approver);
  if (hooks_.grant_changed) hooks_.grant_changed(g, "started");
}

expected<grant_record, grant_error> sqlite_grant_book::add(const std::string& principal,
                                                           const std::string& rule,
                                                           std::chrono::seconds duration,
                                                           const identity::principal& approver,
                                                           std::string reason) {
  std::lock_guard write(write_mutex_);
  auto g = make(principal, rule, duration, approver, std::move(reason), "", clock_());
  if (!g) return g;
  store::review_store::transaction tx(*store_);
  if (!tx.ok()) {
    spdlog::error("cannot store grant: {}", tx.error());
    return unexpected(grant_error::store_failed);
  }
  if (auto r = save(*g); !r) return unexpected(r.error());
  if (auto r = tx.commit(); !r) {
    spdlog::error("cannot store grant {}: {}", g->id, r.error());
    return unexpected(grant_error::store_failed);
  }
  publish(*g);
  return g;
}

expected<grant_record, grant_error> sqlite_grant_book::revoke(const std::string& id,
                                                              const identity::principal& by) {
  std::lock_guard write(write_mutex_);
  auto row = store_->grant(id);
  if (!row) {
    spdlog::error("cannot read grant {}: {}", id, row.error());
    return unexpected(grant_error::store_failed);
  }
  if (!*row) return unexpected(grant_error::not_found);
  grant_record g = from_row(**row);
  const policy::rule* r = rule(g.rule);
  bool holder = by.name == g.principal;
  if (!holder && !(r && policy::is_reviewer(*r, by.name, by.groups)))
    return unexpected(grant_error::not_a_reviewer);
  sys_time now = clock_();
  if (g.revoked || g.until <= now) return unexpected(grant_error::already_revoked);

  store::review_store::transaction tx(*store_);
  auto changed = tx.ok() ? store_->revoke_grant(id, to_unix_micros(now), by.name)
                         : expected<bool, std::string>(unexpected(tx.error()));
  if (!changed) {
    spdlog::error("cannot revoke grant {}: {}", id, changed.error());
    return unexpected(grant_error::store_failed);
  }
  if (!*changed) return unexpected(grant_error::already_revoked);
  g.revoked = now;
  g.revoked_by = by.name;
  if (!hooks_.audit(grant_event(g, "revoked", by.name, now)))
    return unexpected(grant_error::store_failed);
  if (auto c = tx.commit(); !c) {
    spdlog::error("cannot revoke grant {}: {}", id, c.error());
    return unexpected(grant_error::store_failed);
  }
  erase_from_index(g);
  version_.fetch_add(1, std::memory_order_acq_rel);
  spdlog::info("grant {} revoked by {}", g.id, by.name);
  if (hooks_.grant_changed) hooks_.grant_changed(g, "revoked");
  return g;
}

void sqlite_grant_book::erase_from_index(const grant_record& g) {
  std::unique_lock lock(index_mutex_);
  auto it = index_.find(g.principal);
  if (it == index_.end()) return;
  std::erase_if(it->second, [&](const grant_record& x) { return x.id == g.id; });
  if (it->second.empty()) index_.erase(it);
}

void sqlite_grant_book::sweep() {
  std::lock_guard write(write_mutex_);
  sys_time now = clock_();
  std::vector<grant_record> over;
  {
    std::shared_lock lock(index_mutex_);
    for (const auto& [who, grants] : index_)
      for (const auto& g : grants)
        if (g.until <= now) over.push_back(g);
  }
  for (const auto& g : over) end_grant(g, now);
}

// Recorded once: the row's `ended` flag and the audit event commit together.
// On failure the grant stays in the index (it is already out of force by
// time) and the next sweep tries again.
void sqlite_grant_book::end_grant(const grant_record& g, sys_time now) {
  store::review_store::transaction tx(*store_);
  if (!tx.ok()) {
    spdlog::warn("cannot record the end of grant {}: {}", g.id, tx.error());
    return;
  }
  if (auto r = store_->mark_grant_ended(g.id); !r) {
    spdlog::warn("cannot record the end of grant {}: {}", g.id, r.error());
    return;
  }
  if (!hooks_.audit(grant_event(g, "expired", "gatehouse", now))) return;
  if (auto r = tx.commit(); !r) {
    spdlog::warn("cannot record the end of grant {}: {}", g.id, r.error());
    return;
  }
  erase_from_index(g);
  spdlog::info("grant {} expired: {} under rule {}", g.id, g.principal, g.rule);
  if (hooks_.grant_changed) hooks_.grant_changed(g, "expired");
}

expected<std::optional<grant_record>, grant_error> sqlite_grant_book::get(
    const std::string& id) const {
  auto row = store_->grant(id);
  if (!row) {
    spdlog::error("cannot read grant {}: {}", id, row.error());
    return unexpected(grant_error::store_failed);
  }
  if (!*row) return std::optional<grant_record>();
  return std::optional<grant_record>(from_row(**row));
}

expected<std::vector<grant_record>, grant_error> sqlite_grant_book::list(
    const grant_filter& f) const {
  store::grant_query q;
  q.principal = f.principal;
  q.rule = f.rule;
  if (f.active_only) q.active_at_us = to_unix_micros(clock_());
  q.limit = f.limit;
  auto rows = store_->grants(q);
  if (!rows) {
    spdlog::error("cannot list grants: {}", rows.error());
    return unexpected(grant_error::store_failed);
  }
  std::vector<grant_record> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) out.push_back(from_row(row));
  return out;
}

expected<review_subject, grant_error> sqlite_grant_book::access_request(
    const identity::principal& who, const std::string& rule, std::chrono::seconds duration,
    std::string reason) const {
  auto r = jit_rule(rule, duration);
  if (!r) return unexpected(r.error());
  if (!policy::names_principal(**r, who.name, who.groups))
    return unexpected(grant_error::not_a_principal);
  review_subject s;
  s.kind = review_kind::access;
  s.principal = who.name;
  s.groups = who.groups;
  s.rule = rule;
  s.reviewers = (*r)->reviewers;
  s.duration = duration;
  s.reason = std::move(reason);
  return s;
}

}  // namespace gh::gateway
