// The gateway's file: sections read in dependency order (connections before
// the rules that name them), then the checks that span sections.
#include "config/config.hpp"

#include <filesystem>
#include <set>

#include "config/sections.hpp"
#include "config/values.hpp"

namespace gh::config {
namespace {

using detail::context;
using detail::located;
using detail::map_reader;

std::string format_error(const std::string& file, int line, const std::string& key,
                         const std::string& what) {
  std::string out = file + ":";
  if (line > 0) out += std::to_string(line) + ":";
  out += " ";
  if (!key.empty()) out += key + ": ";
  return out + what;
}

// A connection through a connector needs that connector listed, and a
// listener for it to dial in to.
void check_connectors(const context& cx, const map_reader& top, const config& c) {
  for (const auto& [name, conn] : c.connections) {
    if (conn.connector.empty()) continue;
    located at = *map_reader(cx, *top.find("connections")).find(name);
    located ref = *map_reader(cx, at).find("connector");
    bool listed = false;
    for (const auto& e : c.connectors) listed = listed || e.name == conn.connector;
    if (!listed) detail::fail_expected(cx, ref, "a connector listed under connectors:");
    if (!c.gateway.connectors)
      cx.fail(ref.line, ref.key,
              "expected gateway.connectors.listen so that connector " + conn.connector +
                  " can dial in, got no connectors listener");
  }
}

// One token must not open two doors (an agent's token passing as a
// connector's), and two listeners cannot share an address. Run after the
// sections are read, so the nodes are looked up again for their lines.
void check_uniqueness(const context& cx, const map_reader& top, const config& c) {
  std::set<std::string> hashes;
  for (const auto& t : c.identity.service_tokens) hashes.insert(t.token_sha256);  // unique already
  if (auto list = top.find("connectors")) {
    auto entries = detail::items(cx, *list, "connectors");
    for (std::size_t i = 0; i < c.connectors.size(); ++i)
      if (!hashes.insert(c.connectors[i].token_sha256).second) {
        located at = *map_reader(cx, entries[i]).find("token_sha256");
        cx.fail(at.line, at.key, "expected a token used nowhere else, got one already listed");
      }
  }
  auto gateway = top.find("gateway");
  if (!gateway) return;
  map_reader g(cx, *gateway);
  std::set<std::pair<std::string, int>> addresses;
  const std::pair<const char*, const listener*> listeners[] = {
      {"postgres", c.gateway.postgres ? &*c.gateway.postgres : nullptr},
      {"mysql", c.gateway.mysql ? &*c.gateway.mysql : nullptr},
      {"http", c.gateway.http ? &*c.gateway.http : nullptr},
      {"connectors", c.gateway.connectors ? &*c.gateway.connectors : nullptr}};
  for (const auto& [name, l] : listeners) {
    if (!l || addresses.insert({l->host, l->port}).second) continue;
    located at = *map_reader(cx, *g.find(name)).find("listen");
    cx.fail(at.line, at.key, "expected an address no other listener uses, got " +
                                 detail::describe(at.node) + " again");
  }
}

}  // namespace

config_error::config_error(std::string file_, int line_, std::string key_, std::string what)
    : std::runtime_error(format_error(file_, line_, key_, what)),
      file(std::move(file_)),
      line(line_),
      key(std::move(key_)) {}

namespace detail {

config parse_config_in(const std::string& yaml_text, const std::string& path,
                       const std::string& dir, const system_access& system) {
  context cx{path, dir, &system};
  try {
    located root = detail::load_document(
        cx, yaml_text, "gateway, identity, connectors, connections, rules, limits, notify");
    map_reader top(cx, root,
                   {"gateway", "identity", "connectors", "connections", "rules", "limits", "notify"});
    config c;
    c.path = path;
    if (auto v = top.find("gateway")) c.gateway = detail::read_gateway(cx, *v);
    // The default store, like a written one, sits beside the file.
    if (c.gateway.store == gateway_section{}.store)
      c.gateway.store = "sqlite:" + cx.resolve(c.gateway.store.substr(7));
    if (auto v = top.find("identity")) c.identity = detail::read_identity(cx, *v);
    if (auto v = top.find("connectors")) c.connectors = detail::read_connectors(cx, *v);
    if (auto v = top.find("connections"))
      c.connections = detail::read_connections(cx, *v, detail::connection_file::gateway);
    if (auto v = top.find("rules")) c.rules = detail::read_rules(cx, *v, c.connections);
    if (auto v = top.find("limits")) c.limits = detail::read_limits(cx, *v);
    if (auto v = top.find("notify")) c.notify = detail::read_notify(cx, *v);
    check_connectors(cx, top, c);
    check_uniqueness(cx, top, c);
    return c;
  } catch (const YAML::Exception& e) {
    // Our readers avoid yaml-cpp's throwing conversions; this is a backstop.
    throw config_error(path, e.mark.line >= 0 ? e.mark.line + 1 : 1, "",
                       "expected valid YAML, got " + e.msg);
  }
}

}  // namespace detail

config parse_config(const std::string& yaml_text, const std::string& path,
                    const system_access& system) {
  return detail::parse_config_in(yaml_text, path,
                                 std::filesystem::path(path).parent_path().string(), system);
}

config parse_config(const std::string& yaml_text, const std::string& path) {
  return parse_config(yaml_text, path, real_system());
}

std::string_view to_string(upstream_tls t) noexcept {
  switch (t) {
    case upstream_tls::disable: return "disable";
    case upstream_tls::prefer: return "prefer";
    case upstream_tls::require: return "require";
    case upstream_tls::verify_ca: return "verify-ca";
    case upstream_tls::verify_full: return "verify-full";
  }
  return "?";
}

}  // namespace gh::config
