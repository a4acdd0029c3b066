#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace gh::http {
namespace {

TEST(metrics, prometheus_text_with_every_family) {
  metrics_sample m;
  m.sessions_open = 3;
  m.statements_allow = 10;
  m.statements_review = 2;
  m.statements_deny = 1;
  m.reviews_pending = 1;
  m.grants_active = 4;
  m.audit_journal_bytes = 4096;
  m.webhook_dropped = 5;
  m.scram_keys_derived = 2;
  m.scram_keys_reused = 40;
  m.version = "0.1.0 \"dev\"";
  std::string t = render_metrics(m);
  for (auto line :
       {"gatehouse_build_info{version=\"0.1.0 \\\"dev\\\"\"} 1\n", "gatehouse_sessions_open 3\n",
        "gatehouse_statements_total{decision=\"allow\"} 10\n",
        "gatehouse_statements_total{decision=\"review\"} 2\n",
        "gatehouse_statements_total{decision=\"deny\"} 1\n", "gatehouse_reviews_pending 1\n",
        "gatehouse_grants_active 4\n", "gatehouse_audit_journal_bytes 4096\n",
        "gatehouse_webhook_events_total{result=\"dropped\"} 5\n",
        "gatehouse_upstream_scram_logins_total{keys=\"derived\"} 2\n",
        "gatehouse_upstream_scram_logins_total{keys=\"reused\"} 40\n",
        "# TYPE gatehouse_statements_total counter\n", "# TYPE gatehouse_sessions_open gauge\n"})
    EXPECT_NE(t.find(line), std::string::npos) << line;
  EXPECT_EQ(t.back(), '\n');
}

}  // namespace
}  // namespace gh::http
