#include "config/connector_config.hpp"

#include <filesystem>

#include "config/sections.hpp"
#include "config/secrets.hpp"
#include "config/values.hpp"

namespace gh::config {
namespace {

using detail::context;
using detail::located;
using detail::map_reader;

connector_config parse_in(const std::string& yaml_text, const std::string& path,
                          const std::string& dir, const system_access& system) {
  context cx{path, dir, &system};
  try {
    located root = detail::load_document(cx, yaml_text, "connector, connections");
    map_reader top(cx, root, {"connector", "connections"});
    connector_config c;
    c.path = path;
    map_reader self(cx, top.need("connector", "{ name, gateway, token, ca }"),
                    {"name", "gateway", "token", "ca"});
    located name = self.need("name", "the name the gateway lists under connectors:");
    c.name = detail::text(cx, name, "a connector name");
    if (!is_name(c.name)) detail::fail_expected(cx, name, "a name of letters, digits, '_', '-' or '.'");
    located gw = self.need("gateway", "the gateway's connectors address, host:port");
    auto hp = parse_host_port(detail::text(cx, gw, "host:port"));
    if (!hp) detail::fail_expected(cx, gw, hp.error());
    c.gateway_host = hp->host;
    c.gateway_port = hp->port;
    c.token = detail::resolve_secret(cx, self.need("token", "the connector's token (env:NAME or file:/path)"));
    if (auto ca = self.find("ca")) c.ca = detail::readable_file(cx, *ca);
    located conns = top.need("connections", "the connections this connector serves");
    c.connections = detail::read_connections(cx, conns, detail::connection_file::connector);
    if (c.connections.empty()) detail::fail_expected(cx, conns, "at least one connection");
    return c;
  } catch (const YAML::Exception& e) {
    throw config_error(path, e.mark.line >= 0 ? e.mark.line + 1 : 1, "",
                       "expected valid YAML, got " + e.msg);
  }
}

}  // namespace

connector_config parse_connector_config(const std::string& yaml_text, const std::string& path,
                                        const system_access& system) {
  return parse_in(yaml_text, path, std::filesystem::path(path).parent_path().string(), system);
}

connector_config load_connector_config(const std::string& path) {
  auto system = real_system();
  return parse_in(detail::read_config_file(path, system), path, detail::config_dir(path), system);
}

}  // namespace gh::config
