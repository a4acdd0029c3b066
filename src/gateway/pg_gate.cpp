#include "gateway/pg_gate.hpp"

#include <charconv>

#include "gateway/services.hpp"
#include "gateway/worker.hpp"
#include "wire/pg/backend.hpp"

namespace gh::gateway {
namespace {

}  // namespace

pg_gate::pg_gate(session_context& ctx) : ctx_(ctx), paths_(ctx.search_path) {
  classify_options_.read_functions = ctx_.conn->read_functions;
  classify_options_.max_statement_bytes = ctx_.svc.cfg().limits.statement_max;
  classify_options_.max_depth = ctx_.svc.cfg().limits.statement_depth_max;
  scratch_.principal = ctx_.who.name;
  scratch_.session = ctx_.id;
  scratch_.client = ctx_.client;
  scratch_.connection = ctx_.conn->name;
}

std::shared_ptr<const sql::classification> pg_gate::classify(std::string_view sql) {
  return ctx_.w.classifier().classify(sql, ctx_.conn, classify_options_);
}

pg_gate::slot_state& pg_gate::open_slot() {
  slot_state& s = slots_.emplace_back();
  s.id = next_slot_++;
  s.start = std::chrono::steady_clock::now();
  return s;
}

pg_gate::slot_state* pg_gate::find_slot(std::uint32_t id) {
  if (slots_.empty() || id < slots_.front().id) return nullptr;
  std::size_t k = id - slots_.front().id;
  return k < slots_.size() ? &slots_[k] : nullptr;
}

sql::classification pg_gate::effective(const sql::classification& cls) const {
  sql::classification out = cls;
  out.cls = sql::statement_class::read;
  for (auto& st : out.statements) {
    if (st.kind == "execute") {
      auto it = statements_.find(st.prepared_name);
      if (it == statements_.end() || !it->second.cls) {
        st.cls = sql::statement_class::unknown;
        st.reason = "executes prepared statement \"" + st.prepared_name + "\", which this session did not prepare";
      } else {
        // What runs is what was prepared; the arguments are evaluated now.
        st.cls = sql::strictest(st.execute_floor, it->second.cls->cls);
        st.reason = "executes prepared statement \"" + st.prepared_name + "\": " + it->second.cls->reason;
        // PostgreSQL plans a prepared statement again when search_path moved
        // since it was prepared: its names are checked as resolved then
        // (already qualified) and as written (resolved now, in decide()).
        for (const auto& t : it->second.tables)
          if (std::find(st.tables.begin(), st.tables.end(), t) == st.tables.end()) st.tables.push_back(t);
        for (const auto& pst : it->second.cls->statements)
          for (const auto& t : pst.tables)
            if (std::find(st.tables.begin(), st.tables.end(), t) == st.tables.end()) st.tables.push_back(t);
      }
    }
    if (st.cls >= out.cls) {
      out.cls = st.cls;
      out.reason = st.reason;
    }
  }
  if (out.statements.empty()) out.cls = cls.cls;
  return out;
}

void pg_gate::note_side_effects(const sql::classification& cls, std::string_view sql) {
  for (const auto& st : cls.statements) {
    if (st.kind == "prepare" && !st.prepared_name.empty()) {
      prepared p{std::string(sql), std::make_shared<sql::classification>(cls), {}};
      for (const auto& t : st.tables) paths_.resolve(t, ctx_.conn->user, p.tables);
      statements_[st.prepared_name] = std::move(p);
    } else if (st.kind == "deallocate") {
      if (st.prepared_name.empty()) statements_.clear();
      else statements_.erase(st.prepared_name);
    } else if (st.kind == "discard") {
      statements_.clear();
      portals_.clear();
    }
  }
}

// True when one of the statements sets search_path.
static bool sets_search_path(const sql::classification& cls) {
  for (const auto& st : cls.statements)
    for (const auto& set : st.settings)
      if (set.name == "search_path") return true;
  return false;
}

void pg_gate::resolve_tables(const sql::classification& cls) {
  if (!sets_search_path(cls)) {  // the common case: no copy of the candidates
    for (const auto& st : cls.statements)
      for (const auto& t : st.tables) paths_.resolve(t, ctx_.conn->user, resolved_);
    return;
  }
  // Statements of one string run in order: a SET search_path among them
  // changes how the ones after it read their names.
  search_path_candidates within = paths_;
  for (const auto& st : cls.statements) {
    for (const auto& t : st.tables) within.resolve(t, ctx_.conn->user, resolved_);
    for (const auto& set : st.settings)
      if (set.name == "search_path") within.add(set.value);
  }
}

policy::decision pg_gate::decide(const sql::classification& cls, const std::vector<sql::table_name>* tables) {
  resolved_.clear();
  if (tables) resolved_ = *tables;
  else resolve_tables(cls);
  policy::request req;
  req.principal = ctx_.who.name;
  req.groups = ctx_.who.groups;
  req.connection = ctx_.conn->name;
  req.cls = cls.cls;
  req.tables = resolved_;
  req.grants = ctx_.grants;
  return policy::decide(ctx_.svc.rules(), req);
}

const policy::decision& pg_gate::decide(memo& m, const sql::classification& cls,
                                        const std::vector<sql::table_name>* tables) {
  if (m.cls == &cls && m.state == state_ && m.grants == ctx_.grants) {
    resolved_ = m.tables;  // assigned element by element: no allocation once warm
    return m.d;
  }
  m.d = decide(cls, tables);
  m.cls = &cls;
  m.state = state_;
  m.grants = ctx_.grants;
  m.tables = resolved_;
  return m.d;
}

void pg_gate::note_path_changes(const sql::classification& cls, std::uint32_t slot, bool simple) {
  if (!sets_search_path(cls)) return;
  const search_path_candidates before = paths_;
  int changes = 0;
  bool local = false;
  std::optional<std::string> last;
  for (const auto& st : cls.statements)
    for (const auto& set : st.settings)
      if (set.name == "search_path") {
        paths_.add(set.value);
        ++changes;
        local |= set.local;
        last = set.value;
      }
  if (changes == 0) return;
  ++state_;
  ++paths_in_flight_;
  if (slot_state* s = find_slot(slot)) {
    s->lone_statement = cls.statements.size() == 1;
    if (s->lone_statement) s->paths_before = before;
    s->sets_path = true;
    s->path_value = last;
    // Only a lone session-level SET in a simple Query sent while nothing
    // else ran and outside a transaction can settle the path by itself.
    s->may_settle_path = simple && !local && changes == 1 && cls.statements.size() == 1 &&
                         tx_status_ == 'I' && paths_in_flight_ == 1 && slots_.size() == 1;
  }
}

gate_verdict pg_gate::record(std::string_view sql, const sql::classification& cls,
                             const policy::decision& d) {
  slot_state& slot = open_slot();
  gate_verdict v{d.outcome, slot.id};
  if (d.outcome == policy::verdict::deny) {
    wire::pg::notice n;
    n.sqlstate = "42501";
    n.message = "gatehouse: " + std::string(sql::to_string(cls.cls)) + " statement refused on connection \"" +
                ctx_.conn->name + "\"" + (d.rule.empty() ? "" : " by rule \"" + d.rule + "\"") + ": " +
                policy::refusal_message(d);
    if (!cls.reason.empty()) n.detail = "Classified " + std::string(sql::to_string(cls.cls)) + ": " + cls.reason + ".";
    if (!d.next_step.empty()) n.hint = d.next_step;
    wire::pg::encode_error(slot.refusal, n);
  }
  if (d.outcome == policy::verdict::review) {
    // Recorded when the review opens (on_held), with its id.
    slot.held_sql.assign(sql.data(), sql.size());
    slot.held_class = sql::to_string(cls.cls);
    slot.held_tables.clear();
    for (const auto& t : resolved_) slot.held_tables.push_back(t.schema + "." + t.name);
    slot.held_rule = d.rule;
    slot.held_reviewers = d.reviewers;
    return v;
  }
  record_event(sql, sql::to_string(cls.cls), policy::to_string(d.outcome), d.rule, slot.id, {}, {});
  return v;
}

// "<session>/<n>" into `out`, reusing its capacity (no allocation per statement).
void pg_gate::set_statement_id(std::string& out, std::uint32_t slot) const {
  out.assign(ctx_.id);
  out += '/';
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, slot);
  out.append(digits, static_cast<std::size_t>(end - digits));
}

void pg_gate::record_event(std::string_view sql, std::string_view cls, std::string_view decision,
                           std::string_view rule, std::uint32_t slot, std::string_view reviewer,
                           std::string_view ref) {
  audit::event& e = scratch_;
  e.kind = audit::event_kind::statement;
  e.time = std::chrono::system_clock::now();
  e.statement.assign(sql.data(), sql.size());
  e.cls = cls;
  e.tables.resize(resolved_.size());
  for (std::size_t i = 0; i < resolved_.size(); ++i) {
    e.tables[i].assign(resolved_[i].schema);
    e.tables[i] += '.';
    e.tables[i] += resolved_[i].name;
  }
  e.decision = decision;
  e.rule = rule;
  set_statement_id(e.statement_id, slot);
  e.error.clear();
  e.ref = ref;
  e.reviewer = reviewer;
  e.duration_us = -1;
  e.rows = -1;
  ctx_.w.audit().append(e);
}

review_subject pg_gate::hold_subject(std::uint32_t id) const {
  review_subject r;
  const slot_state* s = const_cast<pg_gate*>(this)->find_slot(id);
  r.kind = review_kind::statement;
  r.principal = ctx_.who.name;
  r.groups = ctx_.who.groups;
  r.session = ctx_.id;
  r.client = ctx_.client;
  r.connection = ctx_.conn->name;
  if (s) {
    r.statement = s->held_sql;
    r.cls = s->held_class;
    r.tables = s->held_tables;
    r.rule = s->held_rule;
    r.reviewers = s->held_reviewers;
  }
  return r;
}

void pg_gate::on_held(std::uint32_t id, std::string_view review_id) {
  slot_state* s = find_slot(id);
  if (!s) return;
  s->review_id = review_id;
  resolved_.clear();
  for (const auto& t : s->held_tables) {
    auto dot = t.find('.');
    resolved_.push_back({t.substr(0, dot), t.substr(dot + 1)});
  }
  record_event(s->held_sql, s->held_class, "review", s->held_rule, id, {}, review_id);
}

void pg_gate::on_approved(std::uint32_t id, std::string_view reviewer) {
  slot_state* s = find_slot(id);
  if (!s) return;
  s->start = std::chrono::steady_clock::now();  // the statement runs from now
  record_event(s->held_sql, s->held_class, "allow", s->held_rule, id, reviewer, s->review_id);
  // What it does to the session counts as for any statement that runs: a
  // prepared statement it replaces, a search_path it moves (never settled
  // alone: the candidates only widen).
  side_sql_.assign(s->held_sql);
  auto cls = classify(side_sql_);
  note_side_effects(*cls, side_sql_);
  note_path_changes(*cls, id, false);
}

void pg_gate::on_not_approved(std::uint32_t id, std::string_view sqlstate, std::string message,
                              std::string_view outcome) {
  slot_state* s = find_slot(id);
  if (!s) return;
  wire::pg::notice n;
  n.sqlstate = sqlstate;
  n.message = std::move(message);
  s->refusal.clear();
  wire::pg::encode_error(s->refusal, n);
  record_event(s->held_sql, s->held_class, "deny", s->held_rule, id, outcome, s->review_id);
}

grant_change pg_gate::refresh_grants(sys_time now) {
  if (!ctx_.svc.grants) return grant_change::none;
  std::uint64_t v = ctx_.svc.grants->version();
  if (grants_loaded_ && v == grants_version_ && (!grants_next_expiry_ || now < *grants_next_expiry_))
    return grant_change::none;
  active_grants g = ctx_.svc.grants->active_for(ctx_.who.name, now);
  grants_loaded_ = true;
  grants_version_ = v;
  grants_next_expiry_ = g.next_expiry;
  if (g.rules == ctx_.grants) return grant_change::none;
  ctx_.grants = std::move(g.rules);
  ++state_;
  auto rules = ctx_.svc.rules();
  if (!policy::may_connect(rules, ctx_.who.name, ctx_.who.groups, ctx_.conn->name, ctx_.grants))
    return grant_change::access_ended;
  bool ro = policy::read_only_session(rules, ctx_.who.name, ctx_.who.groups, ctx_.conn->name, ctx_.grants);
  if (ro == ctx_.read_only) return grant_change::none;
  ctx_.read_only = ro;
  return ro ? grant_change::read_only_on : grant_change::read_only_off;
}

bool pg_gate::needs_effective(const sql::classification& cls) {
  for (const auto& st : cls.statements)
    if (st.kind == "execute") return true;
  return false;
}

gate_verdict pg_gate::on_query(std::string_view sql) {
  auto cls = classify(sql);
  gate_verdict v;
  if (needs_effective(*cls)) {
    sql::classification eff = effective(*cls);
    v = record(sql, eff, decide(eff));
  } else {
    if (query_memo_cls_ != cls) query_memo_cls_ = cls;
    v = record(sql, *cls, decide(query_memo_, *cls));
  }
  if (v.outcome == policy::verdict::allow) {
    note_side_effects(*cls, sql);
    note_path_changes(*cls, v.slot, true);
    // A simple Query replaces the unnamed statement and portal.
    statements_.erase(std::string());
    portals_.erase(std::string());
  }
  return v;
}

gate_verdict pg_gate::on_parse(std::string_view name, std::string_view sql) {
  auto cls = classify(sql);
  if (needs_effective(*cls)) cls = std::make_shared<sql::classification>(effective(*cls));
  // Parse alone runs nothing: it is decided now (a refusal comes at Parse, as
  // clients expect) but recorded only when refused; every Execute is recorded.
  // A statement that needs review is prepared; each Execute of it is held.
  policy::decision d = decide(*cls);
  if (d.outcome == policy::verdict::deny) return record(sql, *cls, d);
  auto& p = statements_[std::string(name)];
  p.sql.assign(sql.data(), sql.size());
  p.cls = std::move(cls);
  p.tables = resolved_;
  // Its Executes decide the same (the same classification and tables)
  // until the search path or the grants change.
  p.decided.cls = p.cls.get();
  p.decided.state = state_;
  p.decided.grants = ctx_.grants;
  p.decided.tables = resolved_;
  p.decided.d = std::move(d);
  return {policy::verdict::allow, 0};
}

void pg_gate::on_bind(std::string_view portal, std::string_view statement) {
  portals_[std::string(portal)].assign(statement.data(), statement.size());
}

gate_verdict pg_gate::on_execute(std::string_view portal) {
  auto pit = portals_.find(std::string(portal));
  prepared* p = nullptr;
  if (pit != portals_.end()) {
    auto sit = statements_.find(pit->second);
    if (sit != statements_.end()) p = &sit->second;
  }
  if (!p || !p->cls) {
    // A portal the session did not bind through this gateway (a cursor from
    // DECLARE, or none at all): the server will say if it exists; what runs
    // was decided when the cursor was declared.
    sql::classification fetch;
    fetch.cls = sql::statement_class::read;
    fetch.reason = "fetches from an existing portal";
    return record("EXECUTE portal \"" + std::string(portal) + "\"", fetch, decide(fetch));
  }
  std::shared_ptr<const sql::classification> cls = p->cls;
  const std::vector<sql::table_name>* tables = &p->tables;
  if (p->decided.state != state_) {
    // The path (or the grants) moved since the last decision. PostgreSQL
    // plans the statement again under the new path, so its names count both
    // as resolved at Parse and as they resolve now.
    resolved_.clear();
    resolve_tables(*cls);
    moved_tables_ = p->tables;
    for (const auto& t : resolved_)
      if (std::find(moved_tables_.begin(), moved_tables_.end(), t) == moved_tables_.end()) moved_tables_.push_back(t);
    tables = &moved_tables_;
  }
  gate_verdict v = record(p->sql, *cls, decide(p->decided, *cls, tables));
  if (v.outcome == policy::verdict::allow) {
    // note_side_effects may erase `p` (a DEALLOCATE ALL it runs): from here
    // on, only copies.
    side_sql_.assign(p->sql);
    note_side_effects(*cls, side_sql_);
    note_path_changes(*cls, v.slot, false);
  }
  return v;
}

void pg_gate::on_close(char kind, std::string_view name) {
  if (kind == 'S') statements_.erase(std::string(name));
  else portals_.erase(std::string(name));
}

gate_verdict pg_gate::refuse_message(std::string_view what, std::string_view why) {
  slot_state& slot = open_slot();
  wire::pg::notice n;
  n.sqlstate = "42501";
  n.message = "gatehouse: " + std::string(why);
  wire::pg::encode_error(slot.refusal, n);
  resolved_.clear();
  record_event(what, "unknown", "deny", {}, slot.id, {}, {});
  return {policy::verdict::deny, slot.id};
}

const std::string& pg_gate::refusal(std::uint32_t slot) const {
  static const std::string none;
  auto* self = const_cast<pg_gate*>(this);
  slot_state* s = self->find_slot(slot);
  return s ? s->refusal : none;
}

void pg_gate::on_command_complete(std::uint32_t slot, std::string_view tag) {
  if (slot_state* s = find_slot(slot)) {
    std::int64_t n = wire::pg::rows_from_tag(tag);
    if (n >= 0) s->rows = (s->rows < 0 ? 0 : s->rows) + n;
  }
}

void pg_gate::on_error(std::uint32_t slot, std::string_view sqlstate, std::string_view message) {
  if (slot_state* s = find_slot(slot)) {
    if (!s->error.empty()) return;
    s->error.assign(sqlstate.data(), sqlstate.size());
    s->error += ' ';
    s->error.append(message.data(), message.size());
  }
}

void pg_gate::on_ready(char tx_status) { tx_status_ = tx_status; }

void pg_gate::on_finished(std::uint32_t slot) {
  // Slots finish in order; anything older than `slot` was skipped by the
  // server after an error and is closed without an outcome of its own.
  while (!slots_.empty() && slots_.front().id <= slot) {
    slot_state& s = slots_.front();
    if (s.sets_path) {
      --paths_in_flight_;
      if (s.id == slot && s.may_settle_path && s.error.empty() && tx_status_ == 'I' && paths_in_flight_ == 0) {
        paths_.settle(s.path_value);
        ++state_;
      }
      // A single statement that failed set nothing; with no other change in
      // flight the candidates are what they were before it.
      else if (s.id == slot && !s.error.empty() && s.lone_statement && s.paths_before && paths_in_flight_ == 0) {
        paths_ = *s.paths_before;
        ++state_;
      }
    }
    if (s.id == slot && s.refusal.empty()) {
      audit::event& e = scratch_;
      e.kind = audit::event_kind::outcome;
      e.time = std::chrono::system_clock::now();
      e.statement.clear();
      e.cls.clear();
      e.tables.clear();
      e.decision = s.error.empty() ? "ok" : "error";
      e.rule.clear();
      set_statement_id(e.ref, s.id);
      e.statement_id.clear();
      e.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - s.start).count();
      e.rows = s.rows;
      e.error = s.error;
      ctx_.w.audit().append(e);
    }
    slots_.pop_front();
  }
}

void pg_gate::on_session_end(std::string_view why) {
  while (!slots_.empty()) {
    slot_state& s = slots_.front();
    if (s.error.empty()) s.error.assign(why.data(), why.size());
    // Refused statements never ran; held ones have their review's events.
    if (s.refusal.empty() && s.held_sql.empty()) on_finished(s.id);
    else slots_.pop_front();
  }
}

bool pg_gate::flush() { return ctx_.w.audit().flush(); }

std::string pg_gate::flush_error() const { return ctx_.w.audit().last_error(); }

}  // namespace gh::gateway
