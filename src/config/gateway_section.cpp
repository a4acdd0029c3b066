// gateway:, limits: and notify: — listeners, the store, timeouts, bounds.
#include <limits>

#include "config/sections.hpp"
#include "config/secrets.hpp"
#include "config/values.hpp"

namespace gh::config::detail {
namespace {

tls_files read_tls(const context& cx, const located& at) {
  map_reader m(cx, at, {"cert", "key"});
  return tls_files{readable_file(cx, m.need("cert", "the certificate file (PEM)")),
                   readable_file(cx, m.need("key", "the private key file (PEM)"))};
}

void read_listen(const context& cx, const map_reader& m, listener& out) {
  located at = m.need("listen", "host:port");
  auto hp = parse_host_port(text(cx, at, "host:port"));
  if (!hp) fail_expected(cx, at, hp.error());
  out.host = hp->host;
  out.port = hp->port;
  if (auto tls = m.find("tls")) out.tls = read_tls(cx, *tls);
}

listener read_listener(const context& cx, const located& at) {
  map_reader m(cx, at, {"listen", "tls"});
  listener out;
  read_listen(cx, m, out);
  return out;
}

http_listener read_http(const context& cx, const located& at) {
  map_reader m(cx, at, {"listen", "tls", "public_url"});
  http_listener out;
  read_listen(cx, m, out);
  if (auto url = m.find("public_url")) {
    out.public_url = text(cx, *url, "an http:// or https:// URL");
    if (!is_http_url(out.public_url, false)) fail_expected(cx, *url, "an http:// or https:// URL");
    while (out.public_url.ends_with('/')) out.public_url.pop_back();
  } else {
    bool v6 = out.host.find(':') != std::string::npos;
    out.public_url = std::string(out.tls ? "https://" : "http://") + (v6 ? "[" : "") + out.host +
                     (v6 ? "]" : "") + ":" + std::to_string(out.port);
  }
  return out;
}

// A store URL may hold a password, so its text is never shown: only the
// part before the first ':' when it is not a known scheme.
std::string read_store(const context& cx, const located& at) {
  std::string s = secret_text(cx, at, "sqlite:PATH or postgresql://…");
  if (s.starts_with("postgresql://") || s.starts_with("postgres://")) return s;
  if (s.starts_with("sqlite:")) {
    if (s.size() == 7) fail_expected(cx, at, "sqlite:PATH with a path");
    return "sqlite:" + cx.resolve(s.substr(7));
  }
  std::string scheme = s.substr(0, std::min(s.find(':'), std::size_t{20}));
  cx.fail(at.line, at.key, "expected sqlite:PATH or postgresql://…, got scheme " + quote_value(scheme));
}

std::uint32_t read_size(const context& cx, const map_reader& m, std::string_view key,
                        std::uint32_t current, std::int64_t min, std::int64_t max) {
  if (auto at = m.find(key)) return static_cast<std::uint32_t>(integer(cx, *at, min, max));
  return current;
}

}  // namespace

gateway_section read_gateway(const context& cx, const located& at) {
  map_reader m(cx, at, {"postgres", "mysql", "http", "connectors", "store", "review_timeout",
                        "drain_timeout", "threads"});
  gateway_section g;
  if (auto v = m.find("postgres")) g.postgres = read_listener(cx, *v);
  if (auto v = m.find("mysql")) g.mysql = read_listener(cx, *v);
  if (auto v = m.find("http")) g.http = read_http(cx, *v);
  if (auto v = m.find("connectors")) {
    g.connectors = read_listener(cx, *v);
    // Connectors present a token and verify the gateway's certificate: TLS or nothing.
    if (!g.connectors->tls)
      cx.fail(v->line, v->key + ".tls",
              "expected tls: { cert, key } (connectors dial in over TLS only), got nothing");
  }
  if (auto v = m.find("store")) g.store = read_store(cx, *v);
  if (auto v = m.find("review_timeout")) g.review_timeout = duration(cx, *v, std::chrono::seconds(1));
  if (auto v = m.find("drain_timeout")) g.drain_timeout = duration(cx, *v, std::chrono::seconds(0));
  if (auto v = m.find("threads")) g.threads = static_cast<int>(integer(cx, *v, 0, 1024));
  return g;
}

limits_section read_limits(const context& cx, const located& at) {
  map_reader m(cx, at, {"startup_message_max", "message_max", "statement_max", "auth_timeout",
                        "max_connections", "max_connections_per_address", "statement_depth_max",
                        "failed_logins_per_address", "failed_logins_per_principal"});
  limits_section l;
  constexpr std::int64_t gib = 1024 * 1024 * 1024;
  l.startup_message_max = read_size(cx, m, "startup_message_max", l.startup_message_max, 1024, 1024 * 1024);
  l.message_max = read_size(cx, m, "message_max", l.message_max, 1024, gib);
  l.statement_max = read_size(cx, m, "statement_max", l.statement_max, 1024, gib);
  l.max_connections = read_size(cx, m, "max_connections", l.max_connections, 1, 1000000);
  l.max_connections_per_address =
      read_size(cx, m, "max_connections_per_address", l.max_connections_per_address, 1, 1000000);
  l.statement_depth_max = read_size(cx, m, "statement_depth_max", l.statement_depth_max, 16, 4000);
  l.failed_logins_per_address =
      read_size(cx, m, "failed_logins_per_address", l.failed_logins_per_address, 1, 1000000);
  l.failed_logins_per_principal =
      read_size(cx, m, "failed_logins_per_principal", l.failed_logins_per_principal, 1, 1000000);
  if (auto v = m.find("auth_timeout")) l.auth_timeout = duration(cx, *v, std::chrono::seconds(1));
  if (l.statement_max > l.message_max)
    cx.fail(m.find("statement_max") ? m.find("statement_max")->line : at.line, "limits.statement_max",
            "expected at most limits.message_max (" + std::to_string(l.message_max) + "), got " +
                std::to_string(l.statement_max));
  return l;
}

notify_section read_notify(const context& cx, const located& at) {
  map_reader m(cx, at, {"webhook"});
  notify_section n;
  if (auto v = m.find("webhook")) {
    n.webhook = resolve_secret(cx, *v);
    // The URL is a credential: say what is wrong with it, never what it is.
    if (!is_http_url(n.webhook.reveal(), false))
      cx.fail(v->line, v->key, "expected an http:// or https:// URL without user:password@, got something else");
  }
  return n;
}

}  // namespace gh::config::detail
