// gatehouse review list [--state S|all] [--limit N] [--json]
// gatehouse review show ID [--json]
// gatehouse review approve|reject ID [--comment TEXT] [--json]
//   Every form takes --server URL (else GATEHOUSE_SERVER) and authenticates
//   with GATEHOUSE_TOKEN. docs/http-api.md describes the API behind them.
#include <cstdio>
#include <iostream>

#include "cli/api_command.hpp"

namespace gh::cli {
namespace {

constexpr std::string_view usage_text =
    "usage: gatehouse review list [--state "
    "pending|approved|rejected|expired|cancelled|orphaned|all]\n"
    "                             [--limit N] [--json]\n"
    "       gatehouse review show ID [--json]\n"
    "       gatehouse review approve ID [--comment TEXT] [--json]\n"
    "       gatehouse review reject ID [--comment TEXT] [--json]\n"
    "\n"
    "Every form takes --server URL (else GATEHOUSE_SERVER) and sends GATEHOUSE_TOKEN as\n"
    "its bearer token. list shows pending reviews unless --state says otherwise.\n"
    "Exit status: 0 done, 1 refused (the server's reason is printed) or failed, 2 usage.\n";

int usage_error(std::string_view message) {
  std::cerr << "gatehouse review: " << message << "\n\n" << usage_text;
  return 2;
}

// What a review asks, on one line: the statement, or the access and why.
std::string what(const boost::json::value& r) {
  if (field(r, "kind") == "access")
    return "access for " + field(r, "duration") + ": " + field(r, "reason");
  return field(r, "statement");
}

void print_table(const boost::json::array& reviews) {
  std::printf("%-14s %-9s %-9s %-20s %-16s %-27s %s\n", "ID", "STATE", "KIND", "PRINCIPAL", "RULE",
              "CREATED", "WHAT");
  for (const auto& r : reviews)
    std::printf("%-14s %-9s %-9s %-20s %-16s %-27s %s\n", cell(field(r, "id"), 14).c_str(),
                cell(field(r, "state"), 9).c_str(), cell(field(r, "kind"), 9).c_str(),
                cell(field(r, "principal"), 20).c_str(), cell(field(r, "rule"), 16).c_str(),
                cell(field(r, "created"), 27).c_str(), cell(what(r), 120).c_str());
}

void print_review(const boost::json::value& r) {
  auto line = [&](const char* label, std::string_view key) {
    std::string v = field(r, key);
    if (v != "-" && !v.empty()) std::printf("%-11s %s\n", label, cell(v, 4000).c_str());
  };
  line("review", "id");
  line("state", "state");
  line("kind", "kind");
  line("principal", "principal");
  line("rule", "rule");
  line("reviewers", "reviewers");
  line("connection", "connection");
  line("session", "session");
  line("client", "client");
  line("class", "class");
  line("tables", "tables");
  line("statement", "statement");
  line("duration", "duration");
  line("reason", "reason");
  line("created", "created");
  line("decided", "decided");
  line("decided by", "decided_by");
  line("comment", "comment");
  line("grant", "grant");
  line("url", "url");
}

int list(const api_options& o) {
  std::string state = o.value("--state").value_or("pending");
  std::string path = "/api/v1/reviews?state=" + url_escape(state);
  if (auto limit = o.value("--limit")) path += "&limit=" + url_escape(*limit);
  auto r = call_api("review", o, http::verb::get, path);
  if (r.exit_code) return r.exit_code;
  if (o.flag("--json")) {
    print_json(r.body);
    return 0;
  }
  if (!r.body.is_object() || !r.body.as_object().contains("reviews") ||
      !r.body.as_object().at("reviews").is_array()) {
    std::cerr << "gatehouse review: the server's answer holds no review list\n";
    return 1;
  }
  print_table(r.body.as_object().at("reviews").as_array());
  return 0;
}

int show(const api_options& o, const std::string& id) {
  auto r = call_api("review", o, http::verb::get, "/api/v1/reviews/" + url_escape(id));
  if (r.exit_code) return r.exit_code;
  if (o.flag("--json"))
    print_json(r.body);
  else
    print_review(r.body);
  return 0;
}

int decide(const api_options& o, const std::string& id, bool approve) {
  boost::json::object body;
  if (auto c = o.value("--comment")) body["comment"] = *c;
  auto r =
      call_api("review", o, http::verb::post,
               "/api/v1/reviews/" + url_escape(id) + (approve ? "/approve" : "/reject"), &body);
  if (r.exit_code) return r.exit_code;
  if (o.flag("--json")) {
    print_json(r.body);
    return 0;
  }
  std::printf("review %s %s\n", cell(field(r.body, "id"), 20).c_str(),
              cell(field(r.body, "state"), 12).c_str());
  if (std::string g = field(r.body, "grant"); g != "-")
    std::printf("grant %s: %s may use rule %s for %s\n", cell(g, 20).c_str(),
                cell(field(r.body, "principal"), 60).c_str(),
                cell(field(r.body, "rule"), 60).c_str(),
                cell(field(r.body, "duration"), 20).c_str());
  return 0;
}

}  // namespace

int cmd_review(args a) {
  if (a.empty()) return usage_error("list, show, approve or reject?");
  std::string_view sub = a[0];
  if (sub == "-h" || sub == "--help") {
    std::cout << usage_text;
    return 0;
  }
  bool deciding = sub == "approve" || sub == "reject";
  if (sub != "list" && sub != "show" && !deciding)
    return usage_error("unknown subcommand " + std::string(sub));
  auto o = sub == "list" ? parse_api_options(a.subspan(1), {"--state", "--limit"}, {"--json"})
           : deciding    ? parse_api_options(a.subspan(1), {"--comment"}, {"--json"})
                         : parse_api_options(a.subspan(1), {}, {"--json"});
  if (!o) return usage_error(o.error());
  if (sub == "list") {
    if (!o->positional.empty()) return usage_error("list takes no ID");
    return list(*o);
  }
  if (o->positional.size() != 1) return usage_error(std::string(sub) + " takes one review ID");
  const std::string& id = o->positional[0];
  if (sub == "show") return show(*o, id);
  return decide(*o, id, sub == "approve");
}

}  // namespace gh::cli
