// The `gatehouse audit` commands as a user runs them: the real binary, a
// real config file, a store filled by the real writer and ingester.
#include <sys/wait.h>

#include <cstdio>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "../audit/sample_events.hpp"
#include "store/ingester.hpp"
#include "store/journal.hpp"
#include "store_support.hpp"

namespace gh::store {
namespace {

using audit::testing::sample_outcome;
using audit::testing::sample_statement;
using namespace testing;

struct result {
  int code = -1;
  std::string out;
};

result run(const std::string& arguments) {
  std::string cmd = std::string(GH_BINARY) + " " + arguments + " 2>&1";
  result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0, nl;
  while ((nl = s.find('\n', start)) != std::string::npos) {
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

struct audit_cli : ::testing::Test {
  temp_dir t;
  std::string config;

  // 30 statements by two principals, stored; 2 more still in the journal.
  void SetUp() override {
    config = (t.path / "gatehouse.yaml").string();
    // The password names a variable this process does not set: audit
    // commands must not need the gateway's secrets.
    append_file(config,
                "gateway:\n"
                "  postgres: { listen: \"127.0.0.1:6432\" }\n"
                "  store: \"sqlite:state.db\"\n"
                "connections:\n"
                "  app: { type: postgres, host: localhost, user: app_agent, password: \"env:GH_TEST_UNSET_SECRET\" }\n"
                "rules:\n"
                "  - { name: agents-read, principals: [chatgpt-agent], connections: [app], allow: [read] }\n");
    auto ing = ingester::open(t.db(), t.journals());
    ASSERT_TRUE(ing) << ing.error();
    auto w = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w);
    for (int i = 1; i <= 32; ++i) {
      audit::event ev = sample_statement(i, i % 3 ? "chatgpt-agent" : "ci-bot");
      ASSERT_TRUE(w->append(ev));
      ASSERT_TRUE(w->append(sample_outcome(ev, 250 * i, i)));
      ASSERT_TRUE(w->flush());
      if (i == 30) {
        ASSERT_TRUE((*ing)->ingest_once());
      }
    }
  }
};

TEST_F(audit_cli, search_json_prints_one_statement_per_line_with_its_outcome) {
  auto r = run("audit search --config " + config + " --principal ci-bot --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto ls = lines(r.out);
  ASSERT_EQ(ls.size(), 10u) << r.out;  // 3, 6, ... 30 stored; none of 31, 32 is ci-bot's
  for (const auto& l : ls) {
    auto v = boost::json::parse(l).as_object();
    EXPECT_EQ(v.at("principal").as_string(), "ci-bot");
    EXPECT_TRUE(v.at("statement").as_string().starts_with("select * from public.orders"));
    EXPECT_TRUE(v.at("duration_ms").is_double()) << l;
  }
  auto first = boost::json::parse(ls[0]).as_object();
  EXPECT_EQ(first.at("time").as_string(), "2026-11-24T09:57:56.126456Z");
  EXPECT_EQ(first.at("rows").as_int64(), 3);
  EXPECT_EQ(first.at("connection").as_string(), "app");
}

TEST_F(audit_cli, search_shows_what_is_not_yet_ingested_and_limits_to_the_newest) {
  auto r = run("audit search --config " + config + " --limit 3 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto ls = lines(r.out);
  ASSERT_EQ(ls.size(), 3u) << r.out;
  EXPECT_NE(ls[0].find(R"("statement_id":"s-1f3a/30")"), std::string::npos) << ls[0];
  EXPECT_NE(ls[2].find(R"("seq":null)"), std::string::npos) << ls[2];
  EXPECT_NE(ls[2].find(R"("statement_id":"s-1f3a/32")"), std::string::npos) << ls[2];
}

TEST_F(audit_cli, search_table_and_time_filters) {
  auto r = run("audit search --config " + config + " --since 2026-11-24T09:57:56.150Z --until "
               "2026-11-24T09:57:56.153Z");
  ASSERT_EQ(r.code, 0) << r.out;
  auto ls = lines(r.out);
  ASSERT_EQ(ls.size(), 4u) << r.out;  // header + statements 27, 28, 29
  EXPECT_EQ(ls[0].find("TIME"), 0u);
  EXPECT_NE(ls[1].find("where id = 27"), std::string::npos) << ls[1];
  EXPECT_EQ(run("audit search --config " + config + " --since 1h").code, 0);
}

TEST_F(audit_cli, verify_passes_then_names_the_edited_event) {
  auto r = run("audit verify --config " + config);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find("audit chain intact: 60 events, head "), 0u) << r.out;
  EXPECT_NE(r.out.find("4 more recorded in journals, not yet chained"), std::string::npos) << r.out;

  // Each statement's row holds its outcome too (audit/fold.hpp): statement
  // 21 is event 41, its outcome event 42, in the row of seq 41.
  sql(t.db(), "UPDATE events SET statement = 'select 1' WHERE seq = 41");
  r = run("audit verify --config " + config);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(lines(r.out).at(0), "event 41 (with its outcome, event 42) was edited");

  sql(t.db(), "DELETE FROM events WHERE seq = 17");
  r = run("audit verify --config " + config);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(lines(r.out).at(0), "events 17 to 18 are missing (deleted)") << r.out;
}

TEST_F(audit_cli, usage_errors_exit_2_and_say_why) {
  for (const char* bad : {"audit", "audit search", "audit frob --config x",
                          "audit search --config x --decision maybe",
                          "audit search --config x --since yesterday",
                          "audit search --config x --limit 0", "audit verify --config x --json"}) {
    auto r = run(bad);
    EXPECT_EQ(r.code, 2) << bad << "\n" << r.out;
    EXPECT_NE(r.out.find("usage: gatehouse audit"), std::string::npos) << bad;
  }
  auto r = run("audit verify --config " + (t.path / "missing.yaml").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("missing.yaml"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace gh::store
