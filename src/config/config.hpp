// The gateway's configuration as values: the YAML shape of DESIGN.md ("The
// user's surface"), validated and with secrets resolved. load_config() is the
// only place that throws outside start-up code paths (STYLE.md §9).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "policy/rule.hpp"

namespace gh::config {

// A resolved secret (inline, env:NAME or file:/path). It has no stream
// operator or formatter on purpose: a secret is never printed.
class secret {
 public:
  secret() = default;
  explicit secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }

 private:
  std::string value_;
};

struct tls_files {
  std::string cert;
  std::string key;
};

struct listener {
  std::string host;          // "0.0.0.0", "127.0.0.1", "::"
  std::uint16_t port = 0;
  std::optional<tls_files> tls;
};

struct http_listener : listener {
  std::string public_url;    // how reviewers reach the API; defaults to http://listen
};

struct gateway_section {
  std::optional<listener> postgres;
  std::optional<listener> mysql;
  std::optional<http_listener> http;
  std::optional<listener> connectors;
  std::string store = "sqlite:gatehouse.db";  // "sqlite:PATH" or "postgresql://..."
  std::chrono::seconds review_timeout{15 * 60};
  std::chrono::seconds drain_timeout{30};
  int threads = 0;                            // io threads; 0: one per core
};

struct service_token {
  std::string principal;
  std::string token_sha256;    // lower-case hex of sha256(token)
  std::vector<std::string> groups;
  int line = 0;
};

struct oidc_provider {
  std::string issuer;
  std::string audience;
  std::string principal_claim = "sub";
  std::string groups_claim = "groups";
  int line = 0;
};

struct identity_section {
  std::vector<service_token> service_tokens;
  std::vector<oidc_provider> oidc;
  std::optional<std::chrono::seconds> session_max;  // default: the token's exp
};

struct connector_entry {
  std::string name;
  std::string token_sha256;
};

enum class db_type { postgres, mysql };

// TLS from the gateway (or connector) to the database, as libpq's sslmode:
// disable, prefer (when the server offers it, unverified: the default),
// require (always, unverified), verify-ca (the certificate chains to `ca`),
// verify-full (and names the host).
enum class upstream_tls { disable, prefer, require, verify_ca, verify_full };
std::string_view to_string(upstream_tls t) noexcept;
// The modes that refuse a database without TLS, and those that check its certificate.
constexpr bool requires_tls(upstream_tls t) noexcept {
  return t == upstream_tls::require || t == upstream_tls::verify_ca || t == upstream_tls::verify_full;
}
constexpr bool verifies(upstream_tls t) noexcept {
  return t == upstream_tls::verify_ca || t == upstream_tls::verify_full;
}

struct connection {
  std::string name;
  db_type type = db_type::postgres;
  std::string connector;     // non-empty: reached through that connector
  std::string host;
  std::uint16_t port = 0;    // 5432 / 3306 by type when omitted
  std::string database;      // defaults to the connection's name
  std::string user;
  secret password;
  upstream_tls tls = upstream_tls::prefer;
  std::string tls_ca;        // PEM file for verify-ca/verify-full; empty: the system's trust store
  std::vector<std::string> read_functions;  // user-defined functions known to only read
  int line = 0;
};

struct limits_section {
  std::uint32_t startup_message_max = 10 * 1024;
  std::uint32_t message_max = 64 * 1024 * 1024;
  std::uint32_t statement_max = 1024 * 1024;
  std::chrono::seconds auth_timeout{10};
  std::uint32_t max_connections = 1000;
  std::uint32_t max_connections_per_address = 200;
  std::uint32_t statement_depth_max = 1000;       // nesting the classifier follows; deeper: unknown
  std::uint32_t failed_logins_per_address = 20;   // per minute, then refused until the minute passes
  std::uint32_t failed_logins_per_principal = 10; // per minute, per user name claimed
};

// Where review and grant events are posted (issue 6). The URL is a secret:
// chat webhooks (Slack, Teams) carry their credential in the path.
struct notify_section {
  secret webhook;            // empty: no notifications
};

struct config {
  std::string path;
  gateway_section gateway;
  identity_section identity;
  std::vector<connector_entry> connectors;
  std::map<std::string, connection> connections;
  std::vector<policy::rule> rules;
  limits_section limits;
  notify_section notify;
};

// What went wrong, where: "gatehouse.yaml:12: rules[0].allow: expected a list
// of classes (read, write, ddl, admin), got 'reed'".
struct config_error : std::runtime_error {
  config_error(std::string file, int line, std::string key, std::string what);
  std::string file;
  int line;
  std::string key;
};

// What the loader needs from the machine it starts on: environment
// variables and files (secrets, TLS files). Passed in so that the parsing
// stays pure and the tests hermetic (STYLE.md §11); real_system() is the
// process's own.
struct system_access {
  // nullopt when the variable is not set.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  // The file's bytes, at most `limit` of them; nullopt when it cannot be read
  // or is larger. `error` (when given) receives why, e.g. strerror(errno).
  std::function<std::optional<std::string>(const std::string& path, std::size_t limit,
                                           std::string* error)>
      read_file;
};
system_access real_system();

// Reads, validates and resolves `path`. Throws config_error naming the file,
// line and key; nothing is half-loaded.
config load_config(const std::string& path);
// The same from YAML text (`path` only names it in errors).
config parse_config(const std::string& yaml_text, const std::string& path);
// The same with the given machine; relative paths in the file (sqlite:,
// file: secrets, TLS files) resolve against the directory of `path`.
config parse_config(const std::string& yaml_text, const std::string& path,
                    const system_access& system);

}  // namespace gh::config
