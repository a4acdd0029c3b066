// The one decision point of a MySQL session: every COM_QUERY,
// COM_STMT_PREPARE, COM_STMT_EXECUTE, COM_INIT_DB and COM_FIELD_LIST passes
// here, is classified (sql/mysql, with the session's sql_mode), decided
// against the rules (unqualified tables resolved against the session's
// database) and recorded in the audit journal before the relay may forward
// it. Also remembers what each prepared statement is (by COM_STMT_PREPARE id
// and by SQL PREPARE name), so that an execute is as strict as what it runs,
// and the outcome of each statement. The MySQL counterpart of pg_gate.
// No sockets: the relay feeds it decoded commands and asks what to do.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/event.hpp"
#include "gateway/mysql_tracking.hpp"
#include "gateway/review_board.hpp"
#include "gateway/session_context.hpp"
#include "gateway/session_grants.hpp"
#include "policy/decide.hpp"
#include "sql/classification.hpp"
#include "sql/mysql/classify.hpp"
#include "wire/mysql/generic.hpp"

namespace gh::gateway {

struct mysql_verdict {
  policy::verdict outcome = policy::verdict::deny;
  std::uint32_t slot = 0;  // the recorded statement; 0 for a prepare that was let through (recorded at execute)
};

// The id COM_STMT_EXECUTE uses for "the statement prepared last" (MariaDB's
// direct execution sends PREPARE and EXECUTE together).
inline constexpr std::uint32_t mysql_last_prepared = 0xffffffff;

// What the gateway refuses with: ERR 1142, SQLSTATE 42000 (docs/mysql.md).
inline constexpr std::uint16_t mysql_refusal_code = 1142;
inline constexpr std::string_view mysql_refusal_state = "42000";

class mysql_gate {
 public:
  mysql_gate(session_context& ctx, mysql_session_state& state);

  mysql_verdict on_query(std::string_view sql);
  // Decided now (a refusal comes at prepare, as clients expect), recorded
  // only when refused: every execute is decided again and recorded.
  mysql_verdict on_prepare(std::string_view sql);
  void on_prepared(std::uint32_t statement_id);  // the server's prepare OK
  void on_prepare_failed();
  mysql_verdict on_execute(std::uint32_t statement_id);
  void on_stmt_close(std::uint32_t statement_id);
  mysql_verdict on_init_db(std::string_view schema);
  mysql_verdict on_field_list(std::string_view table);
  // A command the gateway never forwards: refused and recorded.
  mysql_verdict refuse_command(std::string_view what, std::string_view why);
  // `KILL [QUERY|CONNECTION] id` of a session of this principal's own (the
  // client's Ctrl-C), which no rule needs to allow, as a PostgreSQL
  // CancelRequest: recorded as allowed, its ref the target session.
  mysql_verdict on_own_kill(std::string_view sql, std::string_view target_session);

  // Held statements (verdict review), as pg_gate: every step is an event.
  review_subject hold_subject(std::uint32_t slot) const;
  void on_held(std::uint32_t slot, std::string_view review_id);
  void on_approved(std::uint32_t slot, std::string_view reviewer);
  // Rejected, expired or cancelled: the refusal becomes `message`.
  void on_not_approved(std::uint32_t slot, std::string message, std::string_view outcome);

  grant_effect refresh_grants(sys_time now) { return grants_.refresh(ctx_, now); }
  void load_grants(sys_time now) { grants_.load(ctx_, now); }

  // The ERR a refused statement gets instead of running.
  const wire::mysql::error_reply& refusal(std::uint32_t slot) const;
  // What the command in flight may change (the server's reports are checked against it).
  const mysql_expected_changes& expected_changes() const noexcept { return expect_; }
  void expect_nothing() noexcept { expect_ = {}; }

  // The statement's response is over: rows (or affected rows) and the error, if any.
  void on_finished(std::uint32_t slot, std::int64_t rows, std::string error);

  // Makes every event appended so far durable to the OS; false: refuse.
  bool flush();
  std::string flush_error() const;

 private:
  struct prepared {
    std::string sql;
    sql::statement_class cls = sql::statement_class::unknown;
    std::string reason;
    std::vector<sql::table_name> tables;  // resolved when prepared
    mysql_expected_changes changes;
  };
  // A classification seen with the session's state: the class an execute
  // inherits, and every table resolved against the database in force.
  struct judged {
    sql::statement_class cls = sql::statement_class::unknown;
    std::string reason;
    std::vector<sql::table_name> tables;
    std::unordered_map<std::string, std::optional<prepared>> names;  // PREPARE / DEALLOCATE, in order
  };
  struct slot_state {
    std::uint32_t id = 0;
    std::chrono::steady_clock::time_point start;
    wire::mysql::error_reply refusal;
    std::string sql;
    std::string cls;
    std::vector<std::string> tables;
    std::string rule;
    std::vector<std::string> reviewers;
    std::string review_id;
    std::unordered_map<std::string, std::optional<prepared>> names;  // applied when it succeeds
  };

  std::shared_ptr<const sql::classification> classify(std::string_view sql);
  judged judge(const sql::classification& cls) const;
  policy::decision decide(sql::statement_class cls, const std::vector<sql::table_name>& tables) const;
  mysql_verdict record(std::string_view sql, sql::statement_class cls, std::string_view reason,
                       const std::vector<sql::table_name>& tables, const policy::decision& d);
  mysql_verdict decide_text(std::string_view sql, std::string_view recorded_as);
  void record_event(const slot_state& s, std::string_view decision, std::string_view reviewer,
                    std::string_view ref);
  slot_state* find_slot(std::uint32_t id);
  const slot_state* find_slot(std::uint32_t id) const;

  session_context& ctx_;
  mysql_session_state& state_;
  session_grants grants_;
  std::unordered_map<std::uint32_t, prepared> by_id_;        // COM_STMT_PREPARE ids
  std::unordered_map<std::string, prepared> by_name_;        // SQL PREPARE names, lower case
  std::optional<prepared> pending_prepare_;
  std::optional<std::uint32_t> last_prepared_;
  std::optional<slot_state> slot_;                           // one statement in flight at a time
  std::uint32_t next_slot_ = 1;
  mysql_expected_changes expect_;
  sql::mysql::classify_options options_;
  audit::event scratch_;
};

}  // namespace gh::gateway
