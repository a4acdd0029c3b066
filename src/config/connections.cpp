// connections: — named database targets, in the gateway's file (by address
// or by connector) and in the connector's file (always by address).
#include "config/sections.hpp"
#include "config/secrets.hpp"
#include "config/values.hpp"

namespace gh::config::detail {
namespace {

constexpr std::string_view name_shape = "a name of letters, digits, '_', '-' or '.' (at most 63)";

db_type read_type(const context& cx, const located& at) {
  std::string t = text(cx, at, "postgres or mysql");
  if (t == "postgres") return db_type::postgres;
  if (t == "mysql") return db_type::mysql;
  fail_expected(cx, at, "postgres or mysql");
}

// Reached through a connector: the address and secret live in the
// connector's file, so saying them here would do nothing — an error.
void refuse_direct_keys(const context& cx, const map_reader& m, const std::string& connector) {
  for (std::string_view key : {"host", "port", "user", "password", "tls", "tls_ca"})
    if (auto v = m.find(key))
      cx.fail(v->line, v->key,
              "expected no " + std::string(key) + " on a connection reached through connector " +
                  connector + " (the connector's file holds it), got one");
}

constexpr std::string_view tls_modes = "disable, prefer, require, verify-ca or verify-full";

void read_tls(const context& cx, const map_reader& m, connection& c) {
  if (auto v = m.find("tls")) {
    std::string t = text(cx, *v, tls_modes);
    if (t == "disable") c.tls = upstream_tls::disable;
    else if (t == "prefer") c.tls = upstream_tls::prefer;
    else if (t == "require") c.tls = upstream_tls::require;
    else if (t == "verify-ca") c.tls = upstream_tls::verify_ca;
    else if (t == "verify-full") c.tls = upstream_tls::verify_full;
    else fail_expected(cx, *v, tls_modes);
  }
  if (auto v = m.find("tls_ca")) {
    // A CA that checks nothing would only look safe.
    if (!verifies(c.tls))
      cx.fail(v->line, v->key,
              "expected tls: verify-ca or verify-full with tls_ca (the CA is used only to verify), got tls: " +
                  std::string(to_string(c.tls)));
    c.tls_ca = readable_file(cx, *v);
  } else if (c.tls == upstream_tls::verify_ca) {
    // verify-ca checks no name: against the system's trust store any public
    // CA's certificate, for any name, would pass.
    located t = *m.find("tls");
    cx.fail(t.line, t.key, "expected tls_ca with tls: verify-ca (it checks no name, so only your own CA "
                           "makes it mean anything; or use verify-full), got none");
  }
}

void read_address(const context& cx, const map_reader& m, connection& c) {
  located host = m.need("host", "the database host (or connector: NAME)");
  c.host = text(cx, host, "a host name or IP address");
  if (!is_host(c.host)) fail_expected(cx, host, "a host name or IP address");
  c.port = c.type == db_type::postgres ? 5432 : 3306;
  if (auto p = m.find("port")) c.port = static_cast<std::uint16_t>(integer(cx, *p, 1, 65535));
  c.user = text(cx, m.need("user", "the database role the gateway logs in as"));
  if (auto p = m.find("password")) c.password = resolve_secret(cx, *p);
  read_tls(cx, m, c);
}

connection read_connection(const context& cx, const std::string& name, const located& at,
                           connection_file where) {
  map_reader m = where == connection_file::gateway
                     ? map_reader(cx, at, {"type", "host", "port", "database", "user", "password", "tls",
                                           "tls_ca", "connector", "read_functions"})
                     : map_reader(cx, at, {"type", "host", "port", "database", "user", "password", "tls",
                                           "tls_ca"});
  connection c;
  c.name = name;
  c.line = at.line;
  c.type = read_type(cx, m.need("type", "postgres or mysql"));
  c.database = name;
  optional_text(cx, m, "database", c.database);
  if (auto v = m.find("connector")) {
    c.connector = text(cx, *v, "a connector name");
    if (m.find("host"))
      cx.fail(v->line, v->key, "expected either host or connector, got both");
    refuse_direct_keys(cx, m, c.connector);
  } else {
    read_address(cx, m, c);
  }
  if (auto v = m.find("read_functions")) {
    constexpr std::string_view shape = "a function name (name or schema.name)";
    for (const auto& item : items(cx, *v, "function names")) {
      auto f = canonical_function_name(text(cx, item, shape));
      if (!f) fail_expected(cx, item, shape);
      c.read_functions.push_back(std::move(*f));
    }
  }
  return c;
}

}  // namespace

std::map<std::string, connection> read_connections(const context& cx, const located& at,
                                                   connection_file where) {
  map_reader m(cx, at);
  std::map<std::string, connection> out;
  for (const auto& [name, value] : m.entries()) {
    if (!is_name(name))
      cx.fail(value.line, value.key,
              "expected " + std::string(name_shape) + " as the name, got " + quote_value(name));
    out.emplace(name, read_connection(cx, name, value, where));
  }
  return out;
}

}  // namespace gh::config::detail
