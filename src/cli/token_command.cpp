// gatehouse token new --principal P [--groups a,b]
//   Line 1: a fresh service token (so scripts can `head -1`); line 2: the
//   identity.service_tokens entry holding only its sha256.
// gatehouse token hash < token
//   The sha256 hex of a token read from stdin (never from argv, which shows
//   in `ps` and shell history).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "common/random.hpp"
#include "identity/jwt.hpp"
#include "identity/service_tokens.hpp"

namespace gh::cli {
namespace {

constexpr std::string_view usage_text =
    "usage: gatehouse token new --principal NAME [--groups a,b]\n"
    "       gatehouse token hash < TOKEN_FILE\n"
    "\n"
    "new   prints a fresh token on its first line and, on the second, the line to add\n"
    "      under identity.service_tokens in the gateway's config (only the hash is kept)\n"
    "hash  prints the sha256 hex of the token read from stdin\n";

constexpr std::size_t max_stdin_token = 64 * 1024;

int usage_error(std::string_view message) {
  std::cerr << "gatehouse token: " << message << "\n\n" << usage_text;
  return 2;
}

// The names the config accepts (config/values.cpp is_principal_name): no
// spaces or control characters, at most 256 bytes, and not "group:...".
bool config_name(std::string_view s) {
  if (s.empty() || s.size() > identity::max_principal_name || s.starts_with("group:")) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

std::optional<std::vector<std::string>> split_groups(std::string_view list) {
  std::vector<std::string> groups;
  while (true) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!config_name(item)) return std::nullopt;
    groups.emplace_back(item);
    if (comma == std::string_view::npos) return groups;
    list.remove_prefix(comma + 1);
  }
}

// Takes "--name value" or "--name=value" at a[i]; advances i past it.
std::optional<std::string> option_value(args a, std::size_t& i, std::string_view name) {
  std::string_view arg = a[i];
  if (arg == name) {
    if (i + 1 >= a.size()) return std::nullopt;
    return std::string(a[++i]);
  }
  return std::string(arg.substr(name.size() + 1));
}

int token_new(args a) {
  std::optional<std::string> principal;
  std::vector<std::string> groups;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view arg = a[i];
    auto is = [&](std::string_view name) {
      return arg == name ||
             (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=');
    };
    if (is("--principal")) {
      principal = option_value(a, i, "--principal");
      if (!principal) return usage_error("--principal needs a name");
    } else if (is("--groups")) {
      auto list = option_value(a, i, "--groups");
      if (!list) return usage_error("--groups needs a comma-separated list");
      auto parsed = split_groups(*list);
      if (!parsed)
        return usage_error(
            "--groups: each group must be a name without spaces or control characters, not "
            "starting with 'group:'");
      groups = std::move(*parsed);
    } else {
      return usage_error("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!principal) return usage_error("token new needs --principal NAME");
  if (!config_name(*principal))
    return usage_error(
        "--principal must be 1 to 256 characters without spaces or control characters, not "
        "starting with 'group:'");

  const std::string token = identity::new_service_token(system_random());
  const identity::service_token_entry entry{*principal, identity::service_token_sha256_hex(token),
                                            groups};
  std::cout << token << '\n' << identity::service_token_config_line(entry) << '\n';
  std::cerr << "gatehouse token: store the token (line 1) now; the config keeps only its hash\n";
  return std::cout.flush() ? 0 : 1;
}

int token_hash(args a) {
  if (!a.empty())
    return usage_error(
        "token hash reads the token from stdin, not from arguments (they show in ps and shell "
        "history)");
  std::string token;
  char buffer[4096];
  while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
    token.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
    if (token.size() > max_stdin_token) {
      std::cerr << "gatehouse token: the input is larger than 64 KiB; not a token\n";
      return 1;
    }
  }
  // One line ending, as `echo` or a text file leaves it, is not part of the token.
  if (token.ends_with('\n')) token.pop_back();
  if (token.ends_with('\r')) token.pop_back();
  if (token.empty()) {
    std::cerr << "gatehouse token: no token on stdin\n";
    return 1;
  }
  std::cout << identity::service_token_sha256_hex(token) << '\n';
  return std::cout.flush() ? 0 : 1;
}

}  // namespace

int cmd_token(args a) {
  if (a.empty()) return usage_error("which one: new or hash?");
  const std::string_view sub = a[0];
  const args rest = a.subspan(1);
  if (sub == "new") return token_new(rest);
  if (sub == "hash") return token_hash(rest);
  if (sub == "-h" || sub == "--help" || sub == "help") {
    std::cout << usage_text;
    return 0;
  }
  return usage_error("unknown subcommand '" + std::string(sub) + "'");
}

}  // namespace gh::cli
