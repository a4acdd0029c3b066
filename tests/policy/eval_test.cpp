// Runs tests/policy/decide.eval: rules in the config's own YAML (read by the
// real loader), then one case a line. A failure names the file line.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config.hpp"
#include "policy/decide.hpp"
#include "policy/table_pattern.hpp"

namespace gh::policy {
namespace {

const char* const connections_yaml = R"(connections:
  app:  { type: postgres, host: db, user: u }
  shop: { type: mysql, host: db, user: u }
  hr:   { type: postgres, host: db, user: u }
  far:  { type: postgres, host: db, user: u }
rules:
)";

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<std::string> list(const std::string& s) {
  std::vector<std::string> out;
  if (s == "-") return out;
  std::istringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

std::vector<sql::table_name> tables(const std::string& s) {
  std::vector<sql::table_name> out;
  for (const auto& t : list(s)) {
    if (t.find('.') == std::string::npos) {
      out.push_back({"", t});  // not resolved by the session
      continue;
    }
    auto name = parse_table_name(t);
    EXPECT_TRUE(name) << "bad table in fixture: " << t;
    if (name) out.push_back(*name);
  }
  return out;
}

std::vector<rule> load_rules(const std::string& yaml, int first_line) {
  config::system_access none;
  none.getenv = [](const std::string&) { return std::optional<std::string>(); };
  none.read_file = [](const std::string&, std::size_t, std::string*) {
    return std::optional<std::string>();
  };
  try {
    return config::parse_config(connections_yaml + yaml, "decide.eval", none).rules;
  } catch (const config::config_error& e) {
    ADD_FAILURE() << "rules block at decide.eval:" << first_line << ": " << e.what();
    return {};
  }
}

struct eval_stats {
  int decide = 0, connect = 0, readonly = 0;
};

void run_case(const std::vector<rule>& rules, const std::string& line, int n, eval_stats& stats) {
  SCOPED_TRACE("decide.eval:" + std::to_string(n) + ": " + line);
  auto arrow = line.find("->");
  ASSERT_NE(arrow, std::string::npos);
  auto left = words(line.substr(0, arrow));
  std::string right = line.substr(arrow + 2);
  std::string text;
  if (auto bar = right.find('|'); bar != std::string::npos) {
    text = right.substr(bar + 1);
    text = text.substr(text.find_first_not_of(' '));
    right = right.substr(0, bar);
  }
  auto want = words(right);
  ASSERT_FALSE(left.empty());
  ASSERT_FALSE(want.empty());
  if (left[0] == "readonly") {
    ASSERT_EQ(left.size(), 5u);
    auto groups = list(left[2]), grants = list(left[3]);
    EXPECT_EQ(read_only_session(rules, left[1], groups, left[4], grants) ? "yes" : "no", want[0]);
    ++stats.readonly;
    return;
  }
  decision d;
  if (left[0] == "connect") {
    ASSERT_EQ(left.size(), 5u);
    auto groups = list(left[2]), grants = list(left[3]);
    d = decide_connect(rules, left[1], groups, left[4], grants);
    EXPECT_EQ(may_connect(rules, left[1], groups, left[4], grants), d.outcome == verdict::allow);
    ++stats.connect;
  } else {
    ASSERT_EQ(left.size(), 6u);
    auto groups = list(left[1]), grants = list(left[2]);
    auto cls = sql::parse_statement_class(left[4]);
    ASSERT_TRUE(cls) << left[4];
    auto tbl = tables(left[5]);
    d = decide(rules, request{left[0], groups, left[3], *cls, tbl, grants});
    ++stats.decide;
  }
  ASSERT_EQ(want.size(), 2u);
  EXPECT_EQ(to_string(d.outcome), want[0]);
  EXPECT_EQ(d.rule, want[1] == "-" ? "" : want[1]);
  std::string message = refusal_message(d);
  if (!text.empty()) EXPECT_NE(message.find(text), std::string::npos) << "message: " << message;
  EXPECT_FALSE(d.reason.empty());
  if (d.outcome == verdict::deny) EXPECT_FALSE(d.next_step.empty());
  if (d.outcome != verdict::review) EXPECT_TRUE(d.reviewers.empty());
}

TEST(policy_eval, decide_eval) {
  std::ifstream in(std::string(GH_TEST_DATA_DIR) + "/decide.eval");
  ASSERT_TRUE(in) << "decide.eval missing";
  std::vector<rule> rules;
  std::string block;
  enum { none, in_rules, in_cases } mode = none;
  int n = 0, block_line = 0;
  eval_stats stats;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line == "%rules") {
      mode = in_rules;
      block.clear();
      block_line = n;
    } else if (line == "%cases") {
      ASSERT_EQ(mode, in_rules) << "decide.eval:" << n << ": %cases without %rules";
      rules = load_rules(block, block_line);
      ASSERT_FALSE(rules.empty()) << "decide.eval:" << block_line << ": no rules";
      mode = in_cases;
    } else if (mode == in_rules) {
      block += line + "\n";
    } else if (mode == in_cases && !line.empty() && line[0] != '#') {
      run_case(rules, line, n, stats);
    }
  }
  // The table must stay a real table: enough cases of each kind.
  EXPECT_GE(stats.decide, 60);
  EXPECT_GE(stats.connect, 10);
  EXPECT_GE(stats.readonly, 10);
}

}  // namespace
}  // namespace gh::policy
