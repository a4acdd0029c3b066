// The one decision point of a PostgreSQL session: every Query, Parse and
// Execute passes here, is classified, decided against the rules and recorded
// in the audit journal before the relay may forward it. Also tracks the
// session's prepared statements and portals (so an Execute or a SQL EXECUTE
// is as strict as what it runs) and the outcome of each statement.
// No sockets: the relay feeds it decoded messages and asks what to do.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "audit/event.hpp"
#include "gateway/review_board.hpp"
#include "gateway/search_path_candidates.hpp"
#include "gateway/session_context.hpp"
#include "policy/decide.hpp"
#include "sql/classification.hpp"
#include "sql/pg/classify.hpp"

namespace gh::gateway {

struct gate_verdict {
  policy::verdict outcome = policy::verdict::deny;
  std::uint32_t slot = 0;     // the statement's slot, for the relay's pipeline entry
};

// What changed for the session when its grants did.
enum class grant_change : std::uint8_t {
  none,
  read_only_on,    // the upstream must become read-only
  read_only_off,   // the upstream may write now
  access_ended,    // no rule in force names the principal on this connection any more
};

class pg_gate {
 public:
  explicit pg_gate(session_context& ctx);

  gate_verdict on_query(std::string_view sql);
  gate_verdict on_parse(std::string_view name, std::string_view sql);
  void on_bind(std::string_view portal, std::string_view statement);
  gate_verdict on_execute(std::string_view portal);
  void on_close(char kind, std::string_view name);
  // A message the gateway never forwards (FunctionCall): refused and recorded.
  gate_verdict refuse_message(std::string_view what, std::string_view why);

  // Held statements (verdict review). The relay opens the review and reports
  // each step; every step is an audit event.
  review_subject hold_subject(std::uint32_t slot) const;
  void on_held(std::uint32_t slot, std::string_view review_id);
  void on_approved(std::uint32_t slot, std::string_view reviewer);
  // Rejected, expired or cancelled: the slot's refusal becomes `sqlstate` and `message`.
  void on_not_approved(std::uint32_t slot, std::string_view sqlstate, std::string message,
                       std::string_view outcome);

  // Re-reads the principal's grants when they may have changed (an atomic
  // load per statement otherwise) and says what that means for the session.
  grant_change refresh_grants(sys_time now);

  // The ErrorResponse bytes the relay sends in place of a refused statement.
  const std::string& refusal(std::uint32_t slot) const;

  // Outcomes, as the server reports them. on_ready comes with every
  // ReadyForQuery, before the on_finished it may cause.
  void on_command_complete(std::uint32_t slot, std::string_view tag);
  void on_error(std::uint32_t slot, std::string_view sqlstate, std::string_view message);
  void on_ready(char tx_status);
  void on_finished(std::uint32_t slot);
  // The session ends with statements still in flight (the client or the
  // server went away mid-answer): each that was forwarded gets an outcome
  // saying so, so that no statement the database may have run is left
  // without one.
  void on_session_end(std::string_view why);

  // Makes every event appended so far durable to the OS; false: refuse.
  bool flush();
  std::string flush_error() const;

 private:
  // A decision kept for the next statement of the same classification (the
  // classifier's cached object, compared by identity while something holds
  // it): decide() depends on nothing else that can change but the search
  // path candidates (counted by state_) and the grants (compared too, should
  // anything but refresh_grants ever change them). The rules are fixed for
  // the life of `services`. A loop over one statement shape, as pgbench or
  // an agent polling a table runs, is decided once.
  struct memo {
    const sql::classification* cls = nullptr;
    std::uint64_t state = 0;
    std::vector<std::string> grants;      // ctx_.grants as decided
    std::vector<sql::table_name> tables;  // resolved_ as decided
    policy::decision d;
  };
  struct prepared {
    std::string sql;
    std::shared_ptr<const sql::classification> cls;
    // Names resolve when a statement is prepared: the server keeps the
    // search_path of that moment for it.
    std::vector<sql::table_name> tables;
    memo decided;  // of its Executes
  };
  struct slot_state {
    std::uint32_t id = 0;
    std::chrono::steady_clock::time_point start;
    std::int64_t rows = -1;
    std::string error;
    std::string refusal;     // encoded ErrorResponse when refused
    // Held statements only: what the review shows and the decision's rule.
    std::string held_sql;
    std::string held_class;
    std::vector<std::string> held_tables;
    std::string held_rule;
    std::vector<std::string> held_reviewers;
    std::string review_id;
    // A statement that sets search_path: the value, and whether it alone can
    // settle the path (a lone, session-level SET sent while nothing else ran).
    bool sets_path = false;
    bool may_settle_path = false;
    bool lone_statement = false;
    std::optional<std::string> path_value;
    std::optional<search_path_candidates> paths_before;  // a lone statement that fails changed nothing
  };

  // Resolves the tables (unless `tables` gives them already resolved) into
  // resolved_ and asks the rules.
  policy::decision decide(const sql::classification& cls, const std::vector<sql::table_name>* tables = nullptr);
  // decide(), or the memo's decision when it still holds. `cls` must stay
  // alive as long as `m` may be consulted.
  const policy::decision& decide(memo& m, const sql::classification& cls,
                                 const std::vector<sql::table_name>* tables = nullptr);
  void resolve_tables(const sql::classification& cls);
  void note_path_changes(const sql::classification& cls, std::uint32_t slot, bool simple);
  gate_verdict record(std::string_view sql, const sql::classification& cls, const policy::decision& d);
  static bool needs_effective(const sql::classification& cls);
  slot_state& open_slot();
  slot_state* find_slot(std::uint32_t id);
  std::shared_ptr<const sql::classification> classify(std::string_view sql);
  // The class an EXECUTE of a prepared statement inherits.
  sql::classification effective(const sql::classification& cls) const;
  void note_side_effects(const sql::classification& cls, std::string_view sql);

  session_context& ctx_;
  std::unordered_map<std::string, prepared> statements_;  // "" is the unnamed statement
  std::unordered_map<std::string, std::string> portals_;  // portal -> statement name
  std::deque<slot_state> slots_;
  std::uint32_t next_slot_ = 1;
  void set_statement_id(std::string& out, std::uint32_t slot) const;
  void record_event(std::string_view sql, std::string_view cls, std::string_view decision,
                    std::string_view rule, std::uint32_t slot, std::string_view reviewer,
                    std::string_view ref);

  memo query_memo_;
  std::shared_ptr<const sql::classification> query_memo_cls_;  // keeps query_memo_.cls alive
  std::uint64_t state_ = 1;  // bumped whenever the search path candidates or the grants change
  std::string side_sql_;     // on_execute's copy of the statement it runs
  std::vector<sql::table_name> moved_tables_;  // on_execute: a prepared statement's names after the path moved
  audit::event scratch_;   // reused so that recording allocates nothing in steady state
  std::vector<sql::table_name> resolved_;
  search_path_candidates paths_;
  sql::pg::classify_options classify_options_;
  int paths_in_flight_ = 0;
  char tx_status_ = 'I';
  std::uint64_t grants_version_ = 0;
  std::optional<sys_time> grants_next_expiry_;
  bool grants_loaded_ = false;
};

}  // namespace gh::gateway
