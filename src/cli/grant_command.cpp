// gatehouse grant request --rule R --for 30m --reason TEXT [--json]
// gatehouse grant add --principal P --rule R --for D [--reason TEXT] [--json]
// gatehouse grant list [--all] [--principal P] [--rule R] [--limit N] [--json]
// gatehouse grant revoke ID [--json]
//   Every form takes --server URL (else GATEHOUSE_SERVER) and authenticates
//   with GATEHOUSE_TOKEN. docs/http-api.md describes the API behind them.
#include <cstdio>
#include <iostream>

#include "cli/api_command.hpp"

namespace gh::cli {
namespace {

constexpr std::string_view usage_text =
    "usage: gatehouse grant request --rule R --for DURATION --reason TEXT [--json]\n"
    "       gatehouse grant add --principal P --rule R --for DURATION [--reason TEXT] [--json]\n"
    "       gatehouse grant list [--all] [--principal P] [--rule R] [--limit N] [--json]\n"
    "       gatehouse grant revoke ID [--json]\n"
    "\n"
    "request  asks the reviewers of jit rule R for access (an access review); prints its id\n"
    "add      a reviewer of R grants P access at once\n"
    "list     grants in force now (--all: ended ones too)\n"
    "revoke   ends a grant now (its holder or a reviewer of its rule)\n"
    "DURATION is 30s, 15m, 8h, 1h30m, 2d. Every form takes --server URL (else\n"
    "GATEHOUSE_SERVER) and sends GATEHOUSE_TOKEN as its bearer token.\n"
    "Exit status: 0 done, 1 refused (the server's reason is printed) or failed, 2 usage.\n";

int usage_error(std::string_view message) {
  std::cerr << "gatehouse grant: " << message << "\n\n" << usage_text;
  return 2;
}

void print_grant_line(const boost::json::value& g) {
  std::printf("grant %s: %s under rule %s from %s until %s (approved by %s)\n",
              cell(field(g, "id"), 20).c_str(), cell(field(g, "principal"), 60).c_str(),
              cell(field(g, "rule"), 60).c_str(), cell(field(g, "from"), 30).c_str(),
              cell(field(g, "until"), 30).c_str(), cell(field(g, "approver"), 60).c_str());
}

int request(const api_options& o) {
  auto rule = o.value("--rule"), duration = o.value("--for"), reason = o.value("--reason");
  if (!rule || !duration || !reason) return usage_error("request needs --rule, --for and --reason");
  boost::json::object body{{"rule", *rule}, {"duration", *duration}, {"reason", *reason}};
  auto r = call_api("grant", o, http::verb::post, "/api/v1/grants/requests", &body);
  if (r.exit_code) return r.exit_code;
  std::string id = field(r.body, "id");
  if (o.flag("--json")) {
    print_json(boost::json::object{
        {"review", id}, {"state", field(r.body, "state")}, {"url", field(r.body, "url")}});
    return 0;
  }
  std::printf("review %s opened: waiting for a reviewer of rule %s (%s)\n", cell(id, 20).c_str(),
              cell(field(r.body, "rule"), 60).c_str(),
              cell(field(r.body, "reviewers"), 200).c_str());
  std::printf("a reviewer approves it with: gatehouse review approve %s\n", cell(id, 20).c_str());
  std::printf("%s\n", cell(field(r.body, "url"), 300).c_str());
  return 0;
}

int add(const api_options& o) {
  auto principal = o.value("--principal"), rule = o.value("--rule"), duration = o.value("--for");
  if (!principal || !rule || !duration)
    return usage_error("add needs --principal, --rule and --for");
  boost::json::object body{{"principal", *principal}, {"rule", *rule}, {"duration", *duration}};
  if (auto reason = o.value("--reason")) body["reason"] = *reason;
  auto r = call_api("grant", o, http::verb::post, "/api/v1/grants", &body);
  if (r.exit_code) return r.exit_code;
  if (o.flag("--json"))
    print_json(r.body);
  else
    print_grant_line(r.body);
  return 0;
}

int list(const api_options& o) {
  std::string path = std::string("/api/v1/grants?active=") + (o.flag("--all") ? "false" : "true");
  if (auto p = o.value("--principal")) path += "&principal=" + url_escape(*p);
  if (auto r = o.value("--rule")) path += "&rule=" + url_escape(*r);
  if (auto l = o.value("--limit")) path += "&limit=" + url_escape(*l);
  auto r = call_api("grant", o, http::verb::get, path);
  if (r.exit_code) return r.exit_code;
  if (o.flag("--json")) {
    print_json(r.body);
    return 0;
  }
  if (!r.body.is_object() || !r.body.as_object().contains("grants") ||
      !r.body.as_object().at("grants").is_array()) {
    std::cerr << "gatehouse grant: the server's answer holds no grant list\n";
    return 1;
  }
  std::printf("%-14s %-20s %-16s %-27s %-27s %-16s %-8s %s\n", "ID", "PRINCIPAL", "RULE", "FROM",
              "UNTIL", "APPROVER", "STATE", "REASON");
  for (const auto& g : r.body.as_object().at("grants").as_array()) {
    std::string state = field(g, "revoked") != "-"     ? "revoked"
                        : field(g, "active") == "true" ? "active"
                                                       : "ended";
    std::printf("%-14s %-20s %-16s %-27s %-27s %-16s %-8s %s\n", cell(field(g, "id"), 14).c_str(),
                cell(field(g, "principal"), 20).c_str(), cell(field(g, "rule"), 16).c_str(),
                cell(field(g, "from"), 27).c_str(), cell(field(g, "until"), 27).c_str(),
                cell(field(g, "approver"), 16).c_str(), state.c_str(),
                cell(field(g, "reason"), 120).c_str());
  }
  return 0;
}

int revoke(const api_options& o) {
  if (o.positional.size() != 1) return usage_error("revoke takes one grant ID");
  auto r =
      call_api("grant", o, http::verb::delete_, "/api/v1/grants/" + url_escape(o.positional[0]));
  if (r.exit_code) return r.exit_code;
  if (o.flag("--json"))
    print_json(r.body);
  else
    std::printf("grant %s revoked\n", cell(field(r.body, "id"), 20).c_str());
  return 0;
}

}  // namespace

int cmd_grant(args a) {
  if (a.empty()) return usage_error("request, add, list or revoke?");
  std::string_view sub = a[0];
  if (sub == "-h" || sub == "--help") {
    std::cout << usage_text;
    return 0;
  }
  expected<api_options, std::string> o = unexpected(std::string());
  if (sub == "request")
    o = parse_api_options(a.subspan(1), {"--rule", "--for", "--reason"}, {"--json"});
  else if (sub == "add")
    o = parse_api_options(a.subspan(1), {"--principal", "--rule", "--for", "--reason"}, {"--json"});
  else if (sub == "list")
    o = parse_api_options(a.subspan(1), {"--principal", "--rule", "--limit"}, {"--json", "--all"});
  else if (sub == "revoke")
    o = parse_api_options(a.subspan(1), {}, {"--json"});
  else
    return usage_error("unknown subcommand " + std::string(sub));
  if (!o) return usage_error(o.error());
  if (sub != "revoke" && !o->positional.empty())
    return usage_error("unexpected argument " + o->positional[0]);
  if (sub == "request") return request(*o);
  if (sub == "add") return add(*o);
  if (sub == "list") return list(*o);
  return revoke(*o);
}

}  // namespace gh::cli
