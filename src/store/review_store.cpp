#include "store/review_store.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "store/event_rows.hpp"

namespace gh::store {
namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS reviews (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  principal TEXT NOT NULL,
  groups TEXT NOT NULL DEFAULT '',
  session TEXT NOT NULL DEFAULT '',
  client TEXT NOT NULL DEFAULT '',
  connection TEXT NOT NULL DEFAULT '',
  statement TEXT NOT NULL DEFAULT '',
  class TEXT NOT NULL DEFAULT '',
  tables TEXT NOT NULL DEFAULT '',
  rule TEXT NOT NULL,
  reviewers TEXT NOT NULL,
  duration_s INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  created_us INTEGER NOT NULL,
  decided_us INTEGER,
  decided_by TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  grant_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS reviews_state_created ON reviews(state, created_us);
CREATE TABLE IF NOT EXISTS grants (
  id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  rule TEXT NOT NULL,
  from_us INTEGER NOT NULL,
  until_us INTEGER NOT NULL,
  approver TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  review_id TEXT NOT NULL DEFAULT '',
  revoked_us INTEGER,
  revoked_by TEXT NOT NULL DEFAULT '',
  ended INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS grants_ended ON grants(ended);
)sql";

constexpr std::string_view review_columns =
    "id, kind, state, principal, groups, session, client, connection, statement, class, tables, "
    "rule, reviewers, duration_s, reason, created_us, decided_us, decided_by, comment, grant_id";
constexpr std::string_view grant_columns =
    "id, principal, rule, from_us, until_us, approver, reason, review_id, revoked_us, revoked_by, "
    "ended";

std::string list_text(const std::vector<std::string>& items) {
  std::string out;
  encode_tables(items, out);
  return out;
}

std::optional<std::int64_t> optional_int(const sqlite_stmt& s, int c) {
  if (s.column_is_null(c)) return std::nullopt;
  return s.column_int(c);
}

void bind_optional(sqlite_stmt& s, int i, const std::optional<std::int64_t>& v) {
  if (v)
    s.bind(i, *v);
  else
    s.bind_null(i);
}

review_row read_review(const sqlite_stmt& s) {
  auto t = [&](int c) { return std::string(s.column_text(c)); };
  review_row r;
  r.id = t(0);
  r.kind = t(1);
  r.state = t(2);
  r.principal = t(3);
  r.groups = decode_tables(s.column_text(4));
  r.session = t(5);
  r.client = t(6);
  r.connection = t(7);
  r.statement = t(8);
  r.cls = t(9);
  r.tables = decode_tables(s.column_text(10));
  r.rule = t(11);
  r.reviewers = decode_tables(s.column_text(12));
  r.duration_s = s.column_int(13);
  r.reason = t(14);
  r.created_us = s.column_int(15);
  r.decided_us = optional_int(s, 16);
  r.decided_by = t(17);
  r.comment = t(18);
  r.grant_id = t(19);
  return r;
}

grant_row read_grant(const sqlite_stmt& s) {
  auto t = [&](int c) { return std::string(s.column_text(c)); };
  grant_row g;
  g.id = t(0);
  g.principal = t(1);
  g.rule = t(2);
  g.from_us = s.column_int(3);
  g.until_us = s.column_int(4);
  g.approver = t(5);
  g.reason = t(6);
  g.review_id = t(7);
  g.revoked_us = optional_int(s, 8);
  g.revoked_by = t(9);
  g.ended = s.column_int(10) != 0;
  return g;
}

}  // namespace

expected<std::unique_ptr<review_store>, std::string> review_store::open(const std::string& path) {
  auto db = sqlite_db::open(path, open_mode::read_write);
  if (!db) return unexpected(db.error());
  if (auto r = db->exec(schema); !r) return unexpected(path + ": " + r.error());
  return std::unique_ptr<review_store>(new review_store(std::move(*db)));
}

review_store::transaction::transaction(review_store& s) : s_(s), lock_(s.mutex_) {
  // IMMEDIATE: the write lock now, so that a busy ingester makes us wait
  // (busy_timeout) here rather than fail half-way through.
  auto r = s_.db_.exec("BEGIN IMMEDIATE");
  began_ = r.has_value();
  if (!r) error_ = r.error();
}

review_store::transaction::~transaction() {
  if (began_ && !done_ && !sqlite3_get_autocommit(s_.db_.handle())) (void)s_.db_.exec("ROLLBACK");
}

expected<void, std::string> review_store::transaction::commit() {
  if (!began_) return unexpected(error_);
  done_ = true;
  auto r = s_.db_.exec("COMMIT");
  if (!r && !sqlite3_get_autocommit(s_.db_.handle())) (void)s_.db_.exec("ROLLBACK");
  return r;
}

expected<void, std::string> review_store::insert_review(const review_row& r) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "INSERT INTO reviews(" + std::string(review_columns) +
      ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)");
  if (!s) return unexpected(s.error());
  s->bind_text(1, r.id);
  s->bind_text(2, r.kind);
  s->bind_text(3, r.state);
  s->bind_text(4, r.principal);
  s->bind_text(5, list_text(r.groups));
  s->bind_text(6, r.session);
  s->bind_text(7, r.client);
  s->bind_text(8, r.connection);
  s->bind_text(9, r.statement);
  s->bind_text(10, r.cls);
  s->bind_text(11, list_text(r.tables));
  s->bind_text(12, r.rule);
  s->bind_text(13, list_text(r.reviewers));
  s->bind(14, r.duration_s);
  s->bind_text(15, r.reason);
  s->bind(16, r.created_us);
  bind_optional(*s, 17, r.decided_us);
  s->bind_text(18, r.decided_by);
  s->bind_text(19, r.comment);
  s->bind_text(20, r.grant_id);
  if (s->step() != SQLITE_DONE) return unexpected(db_.error_text());
  return {};
}

expected<bool, std::string> review_store::finish_review(const review_row& r) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "UPDATE reviews SET state = ?2, decided_us = ?3, decided_by = ?4, comment = ?5, grant_id = "
      "?6 "
      "WHERE id = ?1 AND state = 'pending'");
  if (!s) return unexpected(s.error());
  s->bind_text(1, r.id);
  s->bind_text(2, r.state);
  bind_optional(*s, 3, r.decided_us);
  s->bind_text(4, r.decided_by);
  s->bind_text(5, r.comment);
  s->bind_text(6, r.grant_id);
  if (s->step() != SQLITE_DONE) return unexpected(db_.error_text());
  return sqlite3_changes(db_.handle()) == 1;
}

expected<std::optional<review_row>, std::string> review_store::review(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(review_columns) + " FROM reviews WHERE id = ?1");
  if (!s) return unexpected(s.error());
  s->bind_text(1, id);
  int rc = s->step();
  if (rc == SQLITE_DONE) return std::optional<review_row>();
  if (rc != SQLITE_ROW) return unexpected(db_.error_text());
  return std::optional<review_row>(read_review(*s));
}

expected<std::vector<review_row>, std::string> review_store::reviews(const std::string& state,
                                                                     std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(review_columns) +
                       " FROM reviews WHERE (?1 = '' OR state = ?1) "
                       "ORDER BY created_us DESC, id LIMIT ?2");
  if (!s) return unexpected(s.error());
  s->bind_text(1, state);
  s->bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, std::size_t{INT64_MAX})));
  std::vector<review_row> out;
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) out.push_back(read_review(*s));
  if (rc != SQLITE_DONE) return unexpected(db_.error_text());
  return out;
}

expected<void, std::string> review_store::insert_grant(const grant_row& g) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("INSERT INTO grants(" + std::string(grant_columns) +
                       ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  if (!s) return unexpected(s.error());
  s->bind_text(1, g.id);
  s->bind_text(2, g.principal);
  s->bind_text(3, g.rule);
  s->bind(4, g.from_us);
  s->bind(5, g.until_us);
  s->bind_text(6, g.approver);
  s->bind_text(7, g.reason);
  s->bind_text(8, g.review_id);
  bind_optional(*s, 9, g.revoked_us);
  s->bind_text(10, g.revoked_by);
  s->bind(11, g.ended ? 1 : 0);
  if (s->step() != SQLITE_DONE) return unexpected(db_.error_text());
  return {};
}

expected<bool, std::string> review_store::revoke_grant(const std::string& id, std::int64_t at_us,
                                                       const std::string& by) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "UPDATE grants SET revoked_us = ?2, revoked_by = ?3, ended = 1 "
      "WHERE id = ?1 AND revoked_us IS NULL");
  if (!s) return unexpected(s.error());
  s->bind_text(1, id);
  s->bind(2, at_us);
  s->bind_text(3, by);
  if (s->step() != SQLITE_DONE) return unexpected(db_.error_text());
  return sqlite3_changes(db_.handle()) == 1;
}

expected<void, std::string> review_store::mark_grant_ended(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("UPDATE grants SET ended = 1 WHERE id = ?1");
  if (!s) return unexpected(s.error());
  s->bind_text(1, id);
  if (s->step() != SQLITE_DONE) return unexpected(db_.error_text());
  return {};
}

expected<std::optional<grant_row>, std::string> review_store::grant(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(grant_columns) + " FROM grants WHERE id = ?1");
  if (!s) return unexpected(s.error());
  s->bind_text(1, id);
  int rc = s->step();
  if (rc == SQLITE_DONE) return std::optional<grant_row>();
  if (rc != SQLITE_ROW) return unexpected(db_.error_text());
  return std::optional<grant_row>(read_grant(*s));
}

expected<std::vector<grant_row>, std::string> review_store::grants(const grant_query& q) {
  std::lock_guard lock(mutex_);
  auto s =
      db_.prepare("SELECT " + std::string(grant_columns) +
                  " FROM grants WHERE (?1 IS NULL OR principal = ?1) AND (?2 IS NULL OR rule = ?2)"
                  " AND (?3 IS NULL OR (revoked_us IS NULL AND from_us <= ?3 AND until_us > ?3))"
                  " ORDER BY from_us DESC, id LIMIT ?4");
  if (!s) return unexpected(s.error());
  if (q.principal) s->bind_text(1, *q.principal);
  if (q.rule) s->bind_text(2, *q.rule);
  bind_optional(*s, 3, q.active_at_us);
  s->bind(4, static_cast<std::int64_t>(std::min<std::size_t>(q.limit, std::size_t{INT64_MAX})));
  std::vector<grant_row> out;
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) out.push_back(read_grant(*s));
  if (rc != SQLITE_DONE) return unexpected(db_.error_text());
  return out;
}

expected<std::vector<grant_row>, std::string> review_store::grants_not_ended() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(grant_columns) + " FROM grants WHERE ended = 0");
  if (!s) return unexpected(s.error());
  std::vector<grant_row> out;
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) out.push_back(read_grant(*s));
  if (rc != SQLITE_DONE) return unexpected(db_.error_text());
  return out;
}

}  // namespace gh::store
