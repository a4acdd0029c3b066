// One reader per section of the file; config.cpp puts them together and
// checks what spans sections (a rule's connections exist, a connection's
// connector is listed). Internal to gh_config.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace gh::config::detail {

gateway_section read_gateway(const context& cx, const located& at);
limits_section read_limits(const context& cx, const located& at);
notify_section read_notify(const context& cx, const located& at);
identity_section read_identity(const context& cx, const located& at);
std::vector<connector_entry> read_connectors(const context& cx, const located& at);

// The gateway's file names connections either by address (with the secret)
// or by connector; the connector's file always by address, and without
// gateway-side keys such as read_functions.
enum class connection_file { gateway, connector };
std::map<std::string, connection> read_connections(const context& cx, const located& at,
                                                   connection_file where);

// `connections` as already read: each rule must name some of them.
std::vector<policy::rule> read_rules(const context& cx, const located& at,
                                     const std::map<std::string, connection>& connections);

// parse_config with the directory relative paths resolve against given
// apart from the name shown in messages (load_config passes it absolute).
config parse_config_in(const std::string& yaml_text, const std::string& path,
                       const std::string& dir, const system_access& system);

// The file's text, or config_error naming it (load_config and
// load_connector_config: the only reads of the file itself).
std::string read_config_file(const std::string& path, const system_access& system);
// The absolute directory of `path`: relative paths inside resolve against it.
std::string config_dir(const std::string& path);

}  // namespace gh::config::detail
