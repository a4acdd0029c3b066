// Recording, reviews and outcomes of the MySQL gate (mysql_gate.hpp).
#include "gateway/mysql_gate.hpp"

#include "gateway/services.hpp"
#include "gateway/worker.hpp"

namespace gh::gateway {
namespace {

// Client libraries keep at most 511 bytes of an error message
// (MYSQL_ERRMSG_SIZE): what matters comes first, and the cut never splits a
// UTF-8 character.
constexpr std::size_t message_max = 511;

std::string fit(std::string s) {
  if (s.size() <= message_max) return s;
  std::size_t n = message_max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  s.resize(n);
  return s;
}

}  // namespace

mysql_gate::slot_state* mysql_gate::find_slot(std::uint32_t id) {
  return slot_ && slot_->id == id ? &*slot_ : nullptr;
}

const mysql_gate::slot_state* mysql_gate::find_slot(std::uint32_t id) const {
  return slot_ && slot_->id == id ? &*slot_ : nullptr;
}

mysql_verdict mysql_gate::record(std::string_view sql, sql::statement_class cls, std::string_view reason,
                                 const std::vector<sql::table_name>& tables, const policy::decision& d) {
  slot_state& s = slot_.emplace();
  s.id = next_slot_++;
  s.start = std::chrono::steady_clock::now();
  s.sql.assign(sql.data(), sql.size());
  s.cls = sql::to_string(cls);
  for (const auto& t : tables) s.tables.push_back(t.schema + "." + t.name);
  s.rule = d.rule;
  s.reviewers = d.reviewers;
  if (d.outcome == policy::verdict::deny) {
    std::string m = "gatehouse: " + s.cls + " statement refused on connection \"" + ctx_.conn->name + "\"" +
                    (d.rule.empty() ? "" : " by rule \"" + d.rule + "\"") + ": " + policy::refusal_message(d);
    if (!reason.empty()) m += " (classified " + s.cls + ": " + std::string(reason) + ")";
    s.refusal = {mysql_refusal_code, std::string(mysql_refusal_state), fit(std::move(m))};
  }
  const mysql_verdict v{d.outcome, s.id};
  // A held statement is recorded when its review opens (on_held), with its id.
  if (d.outcome != policy::verdict::review) record_event(s, policy::to_string(d.outcome), {}, {});
  return v;
}

mysql_verdict mysql_gate::refuse_command(std::string_view what, std::string_view why) {
  expect_ = {};
  slot_state& s = slot_.emplace();
  s.id = next_slot_++;
  s.start = std::chrono::steady_clock::now();
  s.sql.assign(what.data(), what.size());
  s.cls = "unknown";
  s.refusal = {mysql_refusal_code, std::string(mysql_refusal_state), fit("gatehouse: " + std::string(why))};
  record_event(s, "deny", {}, {});
  return {policy::verdict::deny, s.id};
}

mysql_verdict mysql_gate::on_own_kill(std::string_view sql, std::string_view target_session) {
  expect_ = {};
  slot_state& s = slot_.emplace();
  s.id = next_slot_++;
  s.start = std::chrono::steady_clock::now();
  s.sql.assign(sql.data(), sql.size());
  s.cls = sql::to_string(sql::statement_class::admin);
  record_event(s, "allow", {}, target_session);
  return {policy::verdict::allow, s.id};
}

void mysql_gate::record_event(const slot_state& s, std::string_view decision, std::string_view reviewer,
                              std::string_view ref) {
  audit::event& e = scratch_;
  e.kind = audit::event_kind::statement;
  e.time = std::chrono::system_clock::now();
  e.statement = s.sql;
  e.cls = s.cls;
  e.tables = s.tables;
  e.decision = decision;
  e.rule = s.rule;
  e.statement_id = ctx_.id + "/" + std::to_string(s.id);
  e.error.clear();
  e.ref = ref;
  e.reviewer = reviewer;
  e.duration_us = -1;
  e.rows = -1;
  ctx_.w.audit().append(e);
}

review_subject mysql_gate::hold_subject(std::uint32_t id) const {
  review_subject r;
  r.kind = review_kind::statement;
  r.principal = ctx_.who.name;
  r.groups = ctx_.who.groups;
  r.session = ctx_.id;
  r.client = ctx_.client;
  r.connection = ctx_.conn->name;
  if (const slot_state* s = find_slot(id)) {
    r.statement = s->sql;
    r.cls = s->cls;
    r.tables = s->tables;
    r.rule = s->rule;
    r.reviewers = s->reviewers;
  }
  return r;
}

void mysql_gate::on_held(std::uint32_t id, std::string_view review_id) {
  slot_state* s = find_slot(id);
  if (!s) return;
  s->review_id = review_id;
  record_event(*s, "review", {}, review_id);
}

void mysql_gate::on_approved(std::uint32_t id, std::string_view reviewer) {
  slot_state* s = find_slot(id);
  if (!s) return;
  s->start = std::chrono::steady_clock::now();  // the statement runs from now
  record_event(*s, "allow", reviewer, s->review_id);
}

void mysql_gate::on_not_approved(std::uint32_t id, std::string message, std::string_view outcome) {
  slot_state* s = find_slot(id);
  if (!s) return;
  // A KILL QUERY ended the wait: the server's own "interrupted" answer.
  if (outcome == "cancelled") s->refusal = {1317, "70100", fit(std::move(message))};
  else s->refusal = {mysql_refusal_code, std::string(mysql_refusal_state), fit(std::move(message))};
  record_event(*s, "deny", outcome, s->review_id);
}

const wire::mysql::error_reply& mysql_gate::refusal(std::uint32_t id) const {
  static const wire::mysql::error_reply none;
  const slot_state* s = find_slot(id);
  return s ? s->refusal : none;
}

void mysql_gate::on_finished(std::uint32_t id, std::int64_t rows, std::string error) {
  slot_state* s = find_slot(id);
  if (!s) return;
  if (s->refusal.message.empty()) {
    // What the statement prepared or deallocated by name counts once it ran;
    // after an error the server may have stopped before any of it, so those
    // names are forgotten (an EXECUTE of them is then unknown).
    for (auto& [name, p] : s->names) {
      if (error.empty() && p) by_name_[name] = std::move(*p);
      else by_name_.erase(name);
    }
    audit::event& e = scratch_;
    e.kind = audit::event_kind::outcome;
    e.time = std::chrono::system_clock::now();
    e.statement.clear();
    e.cls.clear();
    e.tables.clear();
    e.decision = error.empty() ? "ok" : "error";
    e.rule.clear();
    e.reviewer.clear();
    e.ref = ctx_.id + "/" + std::to_string(s->id);
    e.statement_id.clear();
    e.duration_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - s->start).count();
    e.rows = rows;
    e.error = std::move(error);
    ctx_.w.audit().append(e);
  }
  slot_.reset();
}

}  // namespace gh::gateway
