// Secrets by reference (DESIGN.md decision 12): "env:NAME", "file:/path" or
// the value inline. Errors name the variable or the file, never the value.
// Internal to gh_config.
#pragma once

#include <string>

#include "config/yaml_reader.hpp"

namespace gh::config::detail {

// Secret files are small; a larger one is a mistake (or /dev/zero).
inline constexpr std::size_t secret_file_limit = 64 * 1024;

secret resolve_secret(const context& cx, const located& at);

// Start-up check for files the gateway opens later (TLS certificates and
// keys, CA bundles): the path resolved against the config's directory,
// or an error naming it and why it cannot be read.
std::string readable_file(const context& cx, const located& at);

}  // namespace gh::config::detail
