#include "gateway/review_rows.hpp"

namespace gh::gateway {
namespace {

std::optional<review_kind> review_kind_from(std::string_view text) noexcept {
  for (auto k : {review_kind::statement, review_kind::access})
    if (to_string(k) == text) return k;
  return std::nullopt;
}

std::string access_text(const review_subject& s) {
  std::string t = "access under rule " + s.rule + " for " + duration_text(s.duration);
  if (!s.reason.empty()) t += ": " + s.reason;
  return t;
}

}  // namespace

std::optional<review_state> review_state_from(std::string_view text) noexcept {
  for (auto s : {review_state::pending, review_state::approved, review_state::rejected,
                 review_state::expired, review_state::cancelled, review_state::orphaned})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

store::review_row to_row(const review_record& r) {
  const review_subject& s = r.subject;
  store::review_row row;
  row.id = r.id;
  row.kind = std::string(to_string(s.kind));
  row.state = std::string(to_string(r.state));
  row.principal = s.principal;
  row.groups = s.groups;
  row.session = s.session;
  row.client = s.client;
  row.connection = s.connection;
  row.statement = s.statement;
  row.cls = s.cls;
  row.tables = s.tables;
  row.rule = s.rule;
  row.reviewers = s.reviewers;
  row.duration_s = s.duration.count();
  row.reason = s.reason;
  row.created_us = to_unix_micros(r.created);
  if (r.decided) row.decided_us = to_unix_micros(*r.decided);
  row.decided_by = r.decided_by;
  row.comment = r.comment;
  row.grant_id = r.grant_id;
  return row;
}

std::optional<review_record> from_row(const store::review_row& row) {
  auto kind = review_kind_from(row.kind);
  auto state = review_state_from(row.state);
  if (!kind || !state || !audit::representable_time_us(row.created_us) ||
      (row.decided_us && !audit::representable_time_us(*row.decided_us)))
    return std::nullopt;
  review_record r;
  review_subject& s = r.subject;
  r.id = row.id;
  s.kind = *kind;
  r.state = *state;
  s.principal = row.principal;
  s.groups = row.groups;
  s.session = row.session;
  s.client = row.client;
  s.connection = row.connection;
  s.statement = row.statement;
  s.cls = row.cls;
  s.tables = row.tables;
  s.rule = row.rule;
  s.reviewers = row.reviewers;
  s.duration = std::chrono::seconds(row.duration_s);
  s.reason = row.reason;
  r.created = from_unix_micros(row.created_us);
  if (row.decided_us) r.decided = from_unix_micros(*row.decided_us);
  r.decided_by = row.decided_by;
  r.comment = row.comment;
  r.grant_id = row.grant_id;
  return r;
}

store::grant_row to_row(const grant_record& g) {
  store::grant_row row;
  row.id = g.id;
  row.principal = g.principal;
  row.rule = g.rule;
  row.from_us = to_unix_micros(g.from);
  row.until_us = to_unix_micros(g.until);
  row.approver = g.approver;
  row.reason = g.reason;
  row.review_id = g.review_id;
  if (g.revoked) row.revoked_us = to_unix_micros(*g.revoked);
  row.revoked_by = g.revoked_by;
  return row;
}

grant_record from_row(const store::grant_row& row) {
  // A time no sys_time can hold (a row edited by hand) is clamped to the
  // epoch: for `until` that means "already over", the safe reading.
  auto time = [](std::int64_t us) {
    return audit::representable_time_us(us) ? from_unix_micros(us) : sys_time{};
  };
  grant_record g;
  g.id = row.id;
  g.principal = row.principal;
  g.rule = row.rule;
  g.from = time(row.from_us);
  g.until = time(row.until_us);
  g.approver = row.approver;
  g.reason = row.reason;
  g.review_id = row.review_id;
  if (row.revoked_us) g.revoked = time(*row.revoked_us);
  g.revoked_by = row.revoked_by;
  return g;
}

std::string duration_text(std::chrono::seconds d) {
  long long s = d.count();
  if (s <= 0) return "0s";
  std::string out;
  const std::pair<long long, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (auto [size, unit] : units) {
    if (s >= size) {
      out += std::to_string(s / size);
      out += unit;
      s %= size;
    }
  }
  return out;
}

audit::event review_event(const review_record& r, sys_time now) {
  const review_subject& s = r.subject;
  audit::event e;
  e.kind = audit::event_kind::review;
  e.time = now;
  e.principal = s.principal;
  e.session = s.session;
  e.client = s.client;
  e.connection = s.connection;
  e.cls = s.cls;
  e.tables = s.tables;
  e.decision = std::string(to_string(r.state));
  e.rule = s.rule;
  e.reviewer = r.decided_by;
  e.ref = r.id;
  if (r.state == review_state::pending) {
    // The opening records what is asked; the statement's own event (from
    // the session) records it again when it runs.
    e.statement = s.kind == review_kind::statement ? s.statement : access_text(s);
  } else {
    e.statement = std::string(to_string(s.kind)) + " review " + std::string(to_string(r.state));
    if (!r.decided_by.empty()) e.statement += " by " + r.decided_by;
    if (!r.grant_id.empty()) e.statement += ", grant " + r.grant_id;
    if (!r.comment.empty()) e.statement += ": " + r.comment;
  }
  return e;
}

audit::event grant_event(const grant_record& g, std::string_view what, std::string_view by,
                         sys_time now) {
  audit::event e;
  e.kind = audit::event_kind::grant;
  e.time = now;
  e.principal = g.principal;
  e.decision = std::string(what);
  e.rule = g.rule;
  e.reviewer = std::string(by);
  e.ref = g.id;
  e.statement = "grant " + g.id + " " + std::string(what) + ": rule " + g.rule + " from " +
                format_rfc3339(g.from) + " until " + format_rfc3339(g.until) + ", approved by " +
                g.approver;
  if (!g.review_id.empty()) e.statement += " (review " + g.review_id + ")";
  if (!g.reason.empty()) e.statement += ": " + g.reason;
  return e;
}

}  // namespace gh::gateway
