// Decisions of the MySQL gate (mysql_gate.hpp); recording, reviews and
// outcomes are in mysql_gate_records.cpp.
#include "gateway/mysql_gate.hpp"

#include "gateway/services.hpp"
#include "gateway/worker.hpp"
#include "sql/mysql/classify.hpp"

namespace gh::gateway {
namespace {

// `name` as a quoted identifier (backticks doubled), for the statement a
// command stands for.
std::string quoted(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

}  // namespace

mysql_gate::mysql_gate(session_context& ctx, mysql_session_state& state) : ctx_(ctx), state_(state) {
  scratch_.principal = ctx_.who.name;
  scratch_.session = ctx_.id;
  scratch_.client = ctx_.client;
  scratch_.connection = ctx_.conn->name;
  options_.read_functions = ctx_.conn->read_functions;
  options_.max_statement_bytes = ctx_.svc.cfg().limits.statement_max;  // the limits in the config, as pg_gate
  options_.max_depth = ctx_.svc.cfg().limits.statement_depth_max;
}

std::shared_ptr<const sql::classification> mysql_gate::classify(std::string_view sql) {
  options_.sql_mode = state_.lex();  // the only option that changes within a session
  return ctx_.w.classifier().classify_mysql(sql, ctx_.conn, options_);
}

mysql_gate::judged mysql_gate::judge(const sql::classification& cls) const {
  judged out;
  out.cls = sql::statement_class::read;
  // Statements of one text run in order: a USE changes where the names after
  // it are, a PREPARE what an EXECUTE after it runs.
  std::string db = state_.database();
  const auto resolve = [&](const sql::table_name& t, std::vector<sql::table_name>& into) {
    sql::table_name r{t.schema.empty() ? db : t.schema, t.name};
    if (std::find(into.begin(), into.end(), r) == into.end()) into.push_back(std::move(r));
  };
  for (const auto& st : cls.statements) {
    sql::statement_class c = st.cls;
    std::string reason = st.reason;
    if (st.kind == "execute") {
      const prepared* p = nullptr;
      if (auto it = out.names.find(st.prepared_name); it != out.names.end()) p = it->second ? &*it->second : nullptr;
      else if (auto jt = by_name_.find(st.prepared_name); jt != by_name_.end()) p = &jt->second;
      if (!p) {
        c = sql::statement_class::unknown;
        reason = "executes prepared statement \"" + st.prepared_name + "\", which this session did not prepare";
      } else {
        c = sql::strictest(st.execute_floor, p->cls);
        reason = "executes prepared statement \"" + st.prepared_name + "\": " + p->reason;
        for (const auto& t : p->tables) resolve(t, out.tables);
      }
    }
    for (const auto& t : st.tables) resolve(t, out.tables);
    if (st.kind == "prepare" && !st.prepared_name.empty()) {
      prepared p{{}, st.cls, st.reason, {}, {}};
      for (const auto& t : st.tables) resolve(t, p.tables);
      out.names[st.prepared_name] = std::move(p);
    } else if (st.kind == "deallocate" && !st.prepared_name.empty()) {
      out.names[st.prepared_name] = std::nullopt;
    }
    for (const auto& s : st.settings)
      if (s.name == "database" && s.value) db = *s.value;
    if (c >= out.cls) {
      out.cls = c;
      out.reason = std::move(reason);
    }
  }
  if (cls.statements.empty()) {
    out.cls = cls.cls;
    out.reason = cls.reason;
  }
  return out;
}

policy::decision mysql_gate::decide(sql::statement_class cls, const std::vector<sql::table_name>& tables) const {
  policy::request req;
  req.principal = ctx_.who.name;
  req.groups = ctx_.who.groups;
  req.connection = ctx_.conn->name;
  req.cls = cls;
  req.tables = tables;
  req.grants = ctx_.grants;
  return policy::decide(ctx_.svc.rules(), req);
}

mysql_verdict mysql_gate::decide_text(std::string_view sql, std::string_view recorded_as) {
  auto cls = classify(sql);
  judged j = judge(*cls);
  mysql_verdict v = record(recorded_as, j.cls, j.reason, j.tables, decide(j.cls, j.tables));
  expect_ = mysql_expected_changes::of(*cls);
  if (v.outcome != policy::verdict::deny && slot_) slot_->names = std::move(j.names);
  return v;
}

mysql_verdict mysql_gate::on_query(std::string_view sql) { return decide_text(sql, sql); }

mysql_verdict mysql_gate::on_init_db(std::string_view schema) {
  // COM_INIT_DB is USE: decided and recorded as one.
  const std::string use = "USE " + quoted(schema);
  mysql_verdict v = decide_text(use, use);
  expect_.database = true;
  return v;
}

mysql_verdict mysql_gate::on_field_list(std::string_view table) {
  // COM_FIELD_LIST reads a table's columns: SHOW COLUMNS, for the rules.
  const std::string show = "SHOW COLUMNS FROM " + quoted(table);
  return decide_text(show, show);
}

mysql_verdict mysql_gate::on_prepare(std::string_view sql) {
  auto cls = classify(sql);
  judged j = judge(*cls);
  policy::decision d = decide(j.cls, j.tables);
  expect_ = {};
  pending_prepare_.reset();
  last_prepared_.reset();  // until the server says which id this one got
  if (d.outcome == policy::verdict::deny) return record(sql, j.cls, j.reason, j.tables, d);
  pending_prepare_ = prepared{std::string(sql), j.cls, std::move(j.reason), std::move(j.tables),
                              mysql_expected_changes::of(*cls)};
  return {d.outcome, 0};
}

void mysql_gate::on_prepared(std::uint32_t statement_id) {
  if (!pending_prepare_) return;
  by_id_[statement_id] = std::move(*pending_prepare_);
  pending_prepare_.reset();
  last_prepared_ = statement_id;
}

void mysql_gate::on_prepare_failed() { pending_prepare_.reset(); }

mysql_verdict mysql_gate::on_execute(std::uint32_t statement_id) {
  expect_ = {};
  std::optional<std::uint32_t> id = statement_id;
  if (statement_id == mysql_last_prepared) id = last_prepared_;
  auto it = id ? by_id_.find(*id) : by_id_.end();
  if (it == by_id_.end()) {
    // The server may know the id (prepared before a refusal, or never): what
    // it would run was not decided here, so it is unknown.
    const std::string what = "COM_STMT_EXECUTE of statement " + std::to_string(statement_id);
    const std::string reason = "executes a statement this session did not prepare through the gateway";
    return record(what, sql::statement_class::unknown, reason, {}, decide(sql::statement_class::unknown, {}));
  }
  // Decided again: grants may have changed since the prepare.
  const prepared& p = it->second;
  expect_ = p.changes;
  return record(p.sql, p.cls, p.reason, p.tables, decide(p.cls, p.tables));
}

void mysql_gate::on_stmt_close(std::uint32_t statement_id) {
  by_id_.erase(statement_id);
  if (last_prepared_ == statement_id) last_prepared_.reset();
}

bool mysql_gate::flush() { return ctx_.w.audit().flush(); }

std::string mysql_gate::flush_error() const { return ctx_.w.audit().last_error(); }

}  // namespace gh::gateway
