// mysql_gate: what a MySQL session decides and records for each command,
// with real rules, the real classifier and an in-memory audit sink.
#include <gtest/gtest.h>

#include <memory>

#include "config/config.hpp"
#include "gateway/mysql_gate.hpp"
#include "gateway/services.hpp"
#include "gateway/worker.hpp"

namespace gh::gateway {
namespace {

class memory_sink : public audit_sink {
 public:
  explicit memory_sink(std::vector<audit::event>& into) : events_(into) {}
  void append(const audit::event& e) override { events_.push_back(e); }
  bool flush() override { return true; }
  bool dirty() const override { return false; }
  std::string last_error() const override { return {}; }

 private:
  std::vector<audit::event>& events_;
};

constexpr const char* config_text = R"(
gateway:
  store: "sqlite:/tmp/unused.db"
connections:
  shop: { type: mysql, host: 127.0.0.1, port: 3306, database: shop, user: u, password: p }
rules:
  - { name: agents-read, principals: ["group:agents"], connections: [shop], allow: [read] }
  - { name: agents-orders, principals: [orders-agent], connections: [shop], allow: [read], tables: ["shop.orders"] }
  - { name: careful-write, principals: [careful-agent], connections: [shop], allow: [read], review: [write],
      reviewers: [dba] }
)";

class mysql_gate_test : public ::testing::Test {
 protected:
  mysql_gate_test()
      : svc_(config::parse_config(config_text, "/tmp/gatehouse.yaml")),
        w_(0, svc_, std::make_unique<memory_sink>(events_)) {}

  mysql_gate& gate_for(std::string principal, std::vector<std::string> groups = {}) {
    ctx_ = std::make_unique<session_context>(session_context{
        w_, svc_, "s-test", "127.0.0.1:5000", identity::principal{principal, std::move(groups), "test", {}},
        svc_.connection("shop")});
    EXPECT_TRUE(state_.start("shop", "STRICT_TRANS_TABLES", "utf8mb4", true, {}));
    gate_ = std::make_unique<mysql_gate>(*ctx_, state_);
    return *gate_;
  }

  const audit::event& last() const { return events_.back(); }

  std::vector<audit::event> events_;
  services svc_;
  worker w_;
  mysql_session_state state_;
  std::unique_ptr<session_context> ctx_;
  std::unique_ptr<mysql_gate> gate_;
};

TEST_F(mysql_gate_test, a_read_is_allowed_and_recorded_with_its_tables_in_the_session_database) {
  auto& g = gate_for("chatgpt-agent", {"agents"});
  auto v = g.on_query("SELECT * FROM orders o JOIN other.t ON 1");
  EXPECT_EQ(v.outcome, policy::verdict::allow);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(last().principal, "chatgpt-agent");
  EXPECT_EQ(last().decision, "allow");
  EXPECT_EQ(last().cls, "read");
  EXPECT_EQ(last().tables, (std::vector<std::string>{"shop.orders", "other.t"}));
  g.on_finished(v.slot, 3, {});
  EXPECT_EQ(last().kind, audit::event_kind::outcome);
  EXPECT_EQ(last().rows, 3);
  EXPECT_EQ(last().ref, "s-test/" + std::to_string(v.slot));
}

TEST_F(mysql_gate_test, writes_are_refused_with_err_1142_naming_class_rule_and_next_step) {
  auto& g = gate_for("chatgpt-agent", {"agents"});
  for (std::string_view sql : {"DELETE FROM orders", "SELECT 1 /*! ; DELETE FROM orders */",
                               "/*!50000 DELETE */ FROM orders", "SELECT 1; DELETE FROM orders"}) {
    auto v = g.on_query(sql);
    EXPECT_EQ(v.outcome, policy::verdict::deny) << sql;
    const auto& err = g.refusal(v.slot);
    EXPECT_EQ(err.code, 1142);
    EXPECT_EQ(err.sqlstate, "42000");
    EXPECT_NE(err.message.find("refused on connection \"shop\" by rule \"agents-read\""), std::string::npos)
        << err.message;
    EXPECT_LE(err.message.size(), 511u);
    EXPECT_EQ(last().decision, "deny");
    EXPECT_EQ(last().statement, sql);
    g.on_finished(v.slot, -1, {});
    EXPECT_EQ(last().kind, audit::event_kind::statement) << "a refusal has no outcome event";
  }
}

TEST_F(mysql_gate_test, unqualified_tables_follow_a_use_within_the_text) {
  auto& g = gate_for("orders-agent");
  EXPECT_EQ(g.on_query("SELECT * FROM orders").outcome, policy::verdict::allow);
  auto v = g.on_query("USE other; SELECT * FROM orders");
  EXPECT_EQ(v.outcome, policy::verdict::deny);
  EXPECT_EQ(last().tables, (std::vector<std::string>{"other.orders"}));
  EXPECT_TRUE(g.expected_changes().database);
}

TEST_F(mysql_gate_test, com_init_db_is_decided_and_recorded_as_use) {
  auto& g = gate_for("chatgpt-agent", {"agents"});
  auto v = g.on_init_db("we`ird");
  EXPECT_EQ(v.outcome, policy::verdict::allow);
  EXPECT_EQ(last().statement, "USE `we``ird`");
  EXPECT_TRUE(g.expected_changes().database);
}

TEST_F(mysql_gate_test, field_list_is_a_read_of_that_table) {
  auto& g = gate_for("orders-agent");
  EXPECT_EQ(g.on_field_list("orders").outcome, policy::verdict::allow);
  g.on_finished(1, 0, {});
  EXPECT_EQ(g.on_field_list("customers").outcome, policy::verdict::deny);
  EXPECT_EQ(last().tables, (std::vector<std::string>{"shop.customers"}));
}

TEST_F(mysql_gate_test, prepared_statements_are_decided_at_prepare_and_at_each_execute) {
  auto& g = gate_for("chatgpt-agent", {"agents"});
  auto refused = g.on_prepare("DELETE FROM orders WHERE id = ?");
  EXPECT_EQ(refused.outcome, policy::verdict::deny);
  EXPECT_EQ(last().decision, "deny");
  g.on_finished(refused.slot, -1, {});
  const auto before = events_.size();
  auto ok = g.on_prepare("SELECT * FROM orders WHERE id = ?");
  EXPECT_EQ(ok.outcome, policy::verdict::allow);
  EXPECT_EQ(ok.slot, 0u);
  EXPECT_EQ(events_.size(), before) << "a prepare that runs nothing is recorded at execute";
  g.on_prepared(7);
  auto ex = g.on_execute(7);
  EXPECT_EQ(ex.outcome, policy::verdict::allow);
  EXPECT_EQ(last().statement, "SELECT * FROM orders WHERE id = ?");
  EXPECT_EQ(last().tables, (std::vector<std::string>{"shop.orders"}));
  g.on_finished(ex.slot, 1, {});
  EXPECT_EQ(g.on_execute(mysql_last_prepared).outcome, policy::verdict::allow);
  g.on_finished(ex.slot + 1, 1, {});
  auto unknown = g.on_execute(99);
  EXPECT_EQ(unknown.outcome, policy::verdict::deny);
  EXPECT_EQ(last().cls, "unknown");
  g.on_finished(unknown.slot, -1, {});
  g.on_stmt_close(7);
  EXPECT_EQ(g.on_execute(7).outcome, policy::verdict::deny);
}

TEST_F(mysql_gate_test, sql_prepare_names_count_only_once_they_ran) {
  auto& g = gate_for("chatgpt-agent", {"agents"});
  auto p = g.on_query("PREPARE s FROM 'SELECT * FROM orders'");
  ASSERT_EQ(p.outcome, policy::verdict::allow);
  g.on_finished(p.slot, 0, {});
  auto e = g.on_query("EXECUTE s");
  EXPECT_EQ(e.outcome, policy::verdict::allow);
  EXPECT_EQ(last().tables, (std::vector<std::string>{"shop.orders"}));
  g.on_finished(e.slot, 2, {});
  // The same text after a failing statement: the server may have stopped
  // before the PREPARE, so what `s` is is no longer known.
  auto q = g.on_query("SELECT * FROM nope; PREPARE s FROM 'SELECT 1'");
  ASSERT_EQ(q.outcome, policy::verdict::allow);
  g.on_finished(q.slot, -1, "42S02 Table 'shop.nope' doesn't exist (1146)");
  EXPECT_EQ(last().decision, "error");
  EXPECT_EQ(g.on_query("EXECUTE s").outcome, policy::verdict::deny);
}

TEST_F(mysql_gate_test, prepare_and_execute_in_one_text) {
  auto& g = gate_for("chatgpt-agent", {"agents"});
  EXPECT_EQ(g.on_query("PREPARE s FROM 'SELECT 1'; EXECUTE s").outcome, policy::verdict::allow);
  g.on_finished(1, 0, {});
  EXPECT_EQ(g.on_query("PREPARE t FROM 'DELETE FROM orders'; EXECUTE t").outcome, policy::verdict::deny);
}

TEST_F(mysql_gate_test, a_held_write_is_recorded_when_its_review_opens_and_when_decided) {
  auto& g = gate_for("careful-agent");
  auto v = g.on_query("UPDATE orders SET note = 'x' WHERE id = 1");
  ASSERT_EQ(v.outcome, policy::verdict::review);
  EXPECT_TRUE(events_.empty());
  auto subject = g.hold_subject(v.slot);
  EXPECT_EQ(subject.rule, "careful-write");
  EXPECT_EQ(subject.reviewers, (std::vector<std::string>{"dba"}));
  EXPECT_EQ(subject.tables, (std::vector<std::string>{"shop.orders"}));
  g.on_held(v.slot, "r-1");
  EXPECT_EQ(last().decision, "review");
  EXPECT_EQ(last().ref, "r-1");
  g.on_approved(v.slot, "dba");
  EXPECT_EQ(last().decision, "allow");
  EXPECT_EQ(last().reviewer, "dba");
  g.on_finished(v.slot, 1, {});
  EXPECT_EQ(last().decision, "ok");

  auto w = g.on_query("DELETE FROM orders");
  g.on_held(w.slot, "r-2");
  g.on_not_approved(w.slot, "gatehouse: review r-2 was rejected by dba", "rejected");
  EXPECT_EQ(last().decision, "deny");
  EXPECT_EQ(g.refusal(w.slot).code, 1142);
  EXPECT_NE(g.refusal(w.slot).message.find("r-2"), std::string::npos);
}

TEST_F(mysql_gate_test, refused_commands_are_recorded) {
  auto& g = gate_for("chatgpt-agent", {"agents"});
  auto v = g.refuse_command("COM_CHANGE_USER", "COM_CHANGE_USER is not allowed through the gateway");
  EXPECT_EQ(v.outcome, policy::verdict::deny);
  EXPECT_EQ(last().statement, "COM_CHANGE_USER");
  EXPECT_EQ(last().cls, "unknown");
  EXPECT_EQ(g.refusal(v.slot).code, 1142);
}

TEST_F(mysql_gate_test, statements_are_lexed_with_the_tracked_sql_mode) {
  auto& g = gate_for("chatgpt-agent", {"agents"});
  // Under ANSI_QUOTES "..." is an identifier; without it a string. Either way
  // the text is one SELECT here, but the table read differs.
  ASSERT_TRUE(state_.start("shop", "ANSI_QUOTES", "utf8mb4", true, {}));
  auto v = g.on_query("SELECT * FROM \"orders\"");
  EXPECT_EQ(v.outcome, policy::verdict::allow);
  EXPECT_EQ(last().tables, (std::vector<std::string>{"shop.orders"}));
}

}  // namespace
}  // namespace gh::gateway
