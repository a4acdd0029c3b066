// gatehouse: one binary, one subcommand per job (DESIGN.md "The binary").
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.hpp"

namespace {

struct command {
  std::string_view name;
  int (*run)(gh::cli::args);
  std::string_view summary;
};

constexpr command commands[] = {
    {"gateway", gh::cli::cmd_gateway, "run the gateway: gateway --config FILE"},
    {"connector", gh::cli::cmd_connector, "run a connector next to a database: connector --config FILE"},
    {"classify", gh::cli::cmd_classify, "classify SQL: classify [--dialect postgres|mysql] [--json] SQL"},
    {"check", gh::cli::cmd_check, "decide a statement: check --config F --principal P --connection C SQL"},
    {"audit", gh::cli::cmd_audit, "read the audit log: audit search|verify --config FILE ..."},
    {"token", gh::cli::cmd_token, "make a service token: token new --principal P [--groups a,b]"},
    {"review", gh::cli::cmd_review, "decide held statements: review list|show|approve|reject [ID]"},
    {"grant", gh::cli::cmd_grant, "just-in-time access: grant request|add|list|revoke"},
};

void usage(std::FILE* out) {
  std::fputs("usage: gatehouse <command> [options]\n\ncommands:\n", out);
  for (const auto& c : commands)
    std::fprintf(out, "  %-10.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    usage(stdout);
    return 0;
  }
  for (const auto& c : commands)
    if (c.name == name) return c.run(gh::cli::args(argv + 2, static_cast<std::size_t>(argc - 2)));
  std::fprintf(stderr, "gatehouse: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
