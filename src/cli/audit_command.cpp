// gatehouse audit search --config F [--principal P] [--connection C] [--since T]
//                        [--until T] [--decision allow|review|deny] [--limit N] [--json]
// gatehouse audit verify --config F
//   Both only read: the SQLite store (read-only) and the journals not yet
//   ingested. docs/audit.md describes what they print.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "audit/json_line.hpp"
#include "audit/search.hpp"
#include "cli/commands.hpp"
#include "common/encoding.hpp"
#include "config/config.hpp"
#include "store/audit_search.hpp"

namespace gh::cli {
namespace {

constexpr std::string_view usage_text =
    "usage: gatehouse audit search --config FILE [--principal P] [--connection C]\n"
    "                              [--since T] [--until T] [--decision allow|review|deny]\n"
    "                              [--limit N] [--json]\n"
    "       gatehouse audit verify --config FILE\n"
    "\n"
    "search  prints recorded statements with their outcome, oldest first; --json prints\n"
    "        one JSON object per line. T is RFC 3339 (2026-11-24T09:57:56Z), a date, or\n"
    "        an age (90s, 10m, 2h, 7d). --limit keeps the newest N.\n"
    "verify  walks the hash chain; exit 1 names each event edited, deleted or inserted\n";

int usage_error(std::string_view message) {
  std::cerr << "gatehouse audit: " << message << "\n\n" << usage_text;
  return 2;
}

struct options {
  std::optional<std::string> config;
  audit::search_filter filter;
  bool json = false;
};

// The store path from the gateway's own config file, validated as the
// gateway validates it. Secrets and TLS files are not needed to read the
// audit log, so they are not read: an operator without the gateway's
// environment can still search.
std::string sqlite_path_from(const std::string& config_path) {
  config::system_access real = config::real_system();
  config::system_access lenient = real;
  lenient.getenv = [real](const std::string& name) {
    return std::optional<std::string>(real.getenv(name).value_or("unused-by-audit"));
  };
  lenient.read_file = [real](const std::string& path, std::size_t limit, std::string* why) {
    if (auto text = real.read_file(path, limit, why)) return text;
    return std::optional<std::string>("unused-by-audit");
  };
  std::string why;
  auto text = real.read_file(config_path, 4 * 1024 * 1024, &why);
  if (!text) throw config::config_error(config_path, 0, "", "expected a readable config file, got " + why);
  // Absolute, as load_config makes it: relative paths in the file resolve
  // against its directory, wherever the command runs from.
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(config_path, ec).string();
  config::config c = config::parse_config(*text, ec ? config_path : absolute, lenient);
  const std::string& store = c.gateway.store;
  if (!store.starts_with("sqlite:"))
    throw config::config_error(config_path, 0, "gateway.store",
                               "audit search and verify read a sqlite: store; this gateway's is not one");
  return store.substr(7);
}

// Parses the options after "search" / "verify"; nullopt after a usage error.
std::optional<options> parse(args a, bool search, int& exit_code) {
  options o;
  auto fail = [&](std::string_view m) { exit_code = usage_error(m); return std::nullopt; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view arg = a[i];
    std::string name(arg.substr(0, arg.find('=')));
    std::optional<std::string> value;
    if (name != arg) value = std::string(arg.substr(name.size() + 1));
    auto take = [&]() -> bool {
      if (value) return true;
      if (i + 1 >= a.size()) return false;
      value = std::string(a[++i]);
      return true;
    };
    if (name == "--json" && !value && search) { o.json = true; continue; }
    bool known = name == "--config" || (search && (name == "--principal" || name == "--connection" ||
                                                   name == "--since" || name == "--until" ||
                                                   name == "--decision" || name == "--limit"));
    if (!known) return fail("unknown option " + name);
    if (!take()) return fail(name + " needs a value");
    auto now = std::chrono::system_clock::now();
    if (name == "--config") o.config = *value;
    else if (name == "--principal") o.filter.principal = *value;
    else if (name == "--connection") o.filter.connection = *value;
    else if (name == "--decision") {
      if (*value != "allow" && *value != "review" && *value != "deny")
        return fail("--decision is allow, review or deny");
      o.filter.decision = *value;
    } else if (name == "--since" || name == "--until") {
      auto t = audit::parse_time_arg(*value, now);
      if (!t) return fail(name + " takes RFC 3339 (2026-11-24T09:57:56Z), a date or an age (10m, 2h)");
      (name == "--since" ? o.filter.since : o.filter.until) = *t;
    } else if (name == "--limit") {
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
      if (ec != std::errc{} || end != value->data() + value->size() || n == 0)
        return fail("--limit takes a positive number");
      o.filter.limit = n;
    }
  }
  if (!o.config) return fail("--config FILE is required");
  return o;
}

// One line of a table cell: control characters shown as '?', so that a
// statement cannot move the cursor or recolour the terminal.
std::string cell(std::string_view raw, std::size_t width) {
  std::string s = audit::valid_utf8(raw), out;
  std::size_t chars = 0;
  bool space = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') { space = !out.empty(); continue; }
    if ((c & 0xC0) == 0x80) { out += s[i]; continue; }  // continuation byte: same character
    if (space) { out += ' '; ++chars; space = false; }
    if (chars >= width) { out += "…"; return out; }
    out += c < 0x20 || c == 0x7F ? '?' : s[i];
    ++chars;
  }
  return out;
}

void print_table_row(const audit::search_row& r) {
  const audit::event& s = r.statement;
  const audit::event& done = r.outcome ? *r.outcome : s;
  std::string ms = done.duration_us < 0 ? "-" : std::to_string(done.duration_us / 1000) + "." +
                                                     std::to_string(done.duration_us % 1000 / 100);
  std::string rows = done.rows < 0 ? "-" : std::to_string(done.rows);
  std::string what = s.kind == audit::event_kind::statement ? s.statement
                                                            : "[" + std::string(to_string(s.kind)) + "] " + s.statement;
  std::string error = done.error.empty() ? s.error : done.error;
  if (!error.empty()) what += "  -- error: " + error;
  std::printf("%-27s %-20s %-12s %-8s %-7s %9s %7s  %s\n", format_rfc3339(s.time).c_str(),
              cell(s.principal, 20).c_str(), cell(s.connection, 12).c_str(),
              cell(s.decision, 8).c_str(), cell(s.cls, 7).c_str(), ms.c_str(), rows.c_str(),
              cell(what, 200).c_str());
}

void print_table_header() {
  std::printf("%-27s %-20s %-12s %-8s %-7s %9s %7s  %s\n", "TIME", "PRINCIPAL", "CONNECTION",
              "DECISION", "CLASS", "MS", "ROWS", "STATEMENT");
}

int run_search(const options& o) {
  std::string db = sqlite_path_from(*o.config);
  bool header = o.json;  // printed once the store has opened, so errors come alone
  auto n = store::search_audit(db, o.filter, [&](const audit::search_row& row) {
    if (!header) print_table_header();
    header = true;
    if (o.json) std::printf("%s\n", audit::to_json_line(row).c_str());
    else print_table_row(row);
  });
  if (n && !header) print_table_header();
  std::fflush(stdout);
  if (!n) {
    std::cerr << "gatehouse audit search: " << n.error() << "\n";
    return 1;
  }
  return 0;
}

int run_verify(const options& o) {
  std::string db = sqlite_path_from(*o.config);
  auto r = store::verify_audit(db);
  if (!r) {
    std::cerr << "gatehouse audit verify: " << r.error() << "\n";
    return 1;
  }
  std::string pending = r->pending ? "; " + std::to_string(r->pending) +
                                         " more recorded in journals, not yet chained"
                                   : "";
  if (r->intact()) {
    std::printf("audit chain intact: %llu events, head %s%s\n",
                static_cast<unsigned long long>(r->events), to_hex(r->head->hash).c_str(),
                pending.c_str());
    return 0;
  }
  for (const auto& f : r->findings) std::printf("%s\n", audit::describe(f).c_str());
  if (r->total_findings > r->findings.size())
    std::printf("... and %llu more\n",
                static_cast<unsigned long long>(r->total_findings - r->findings.size()));
  std::printf("audit chain BROKEN: %llu problems in %llu events\n",
              static_cast<unsigned long long>(r->total_findings),
              static_cast<unsigned long long>(r->events));
  return 1;
}

}  // namespace

int cmd_audit(args a) {
  if (a.empty()) return usage_error("search or verify?");
  std::string_view sub = a[0];
  if (sub == "-h" || sub == "--help") {
    std::cout << usage_text;
    return 0;
  }
  if (sub != "search" && sub != "verify") return usage_error("unknown subcommand " + std::string(sub));
  int code = 0;
  auto o = parse(a.subspan(1), sub == "search", code);
  if (!o) return code;
  try {
    return sub == "search" ? run_search(*o) : run_verify(*o);
  } catch (const config::config_error& e) {
    std::cerr << "gatehouse audit: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace gh::cli
