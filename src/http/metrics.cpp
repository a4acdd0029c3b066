#include "http/metrics.hpp"

namespace gh::http {
namespace {

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, const char* name, std::uint64_t v, const char* labels = "") {
  out += name;
  out += labels;
  out += ' ';
  out += std::to_string(v);
  out += '\n';
}

// A label value: backslash, double quote and newline escaped (the format's rules).
std::string label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string render_metrics(const metrics_sample& m) {
  std::string out;
  family(out, "gatehouse_build_info", "gauge", "The running gatehouse's version.");
  out += "gatehouse_build_info{version=\"" + label_value(m.version) + "\"} 1\n";
  family(out, "gatehouse_sessions_open", "gauge", "Client sessions open now.");
  sample(out, "gatehouse_sessions_open", m.sessions_open);
  family(out, "gatehouse_statements_total", "counter",
         "Statements recorded since start, by the gateway's decision.");
  sample(out, "gatehouse_statements_total", m.statements_allow, "{decision=\"allow\"}");
  sample(out, "gatehouse_statements_total", m.statements_review, "{decision=\"review\"}");
  sample(out, "gatehouse_statements_total", m.statements_deny, "{decision=\"deny\"}");
  family(out, "gatehouse_reviews_pending", "gauge", "Reviews waiting for a decision.");
  sample(out, "gatehouse_reviews_pending", m.reviews_pending);
  family(out, "gatehouse_grants_active", "gauge", "Grants in force now.");
  sample(out, "gatehouse_grants_active", m.grants_active);
  family(out, "gatehouse_audit_journal_bytes", "gauge",
         "Bytes of audit journal files on disk (each is deleted once moved into the store).");
  sample(out, "gatehouse_audit_journal_bytes", m.audit_journal_bytes);
  family(
      out, "gatehouse_webhook_events_total", "counter",
      "Webhook notifications: sent, failed after every retry, dropped because the queue was full.");
  sample(out, "gatehouse_webhook_events_total", m.webhook_sent, "{result=\"sent\"}");
  sample(out, "gatehouse_webhook_events_total", m.webhook_failed, "{result=\"failed\"}");
  sample(out, "gatehouse_webhook_events_total", m.webhook_dropped, "{result=\"dropped\"}");
  family(out, "gatehouse_upstream_scram_logins_total", "counter",
         "Successful logins to PostgreSQL by SCRAM: keys derived (PBKDF2, ~1 ms of CPU each), or reused "
         "from an earlier login to the same server and role with the same password, salt and iteration count.");
  sample(out, "gatehouse_upstream_scram_logins_total", m.scram_keys_derived, "{keys=\"derived\"}");
  sample(out, "gatehouse_upstream_scram_logins_total", m.scram_keys_reused, "{keys=\"reused\"}");
  return out;
}

}  // namespace gh::http
