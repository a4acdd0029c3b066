#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "config/connector_config.hpp"
#include "connector/run.hpp"

namespace gh::cli {

namespace {
constexpr const char* usage = "usage: gatehouse connector --config FILE [--log-level debug|info|warn]\n";
}

int cmd_connector(args a) {
  std::string config_path;
  std::string level = "info";
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view arg = a[i];
    if ((arg == "--config" || arg == "-c") && i + 1 < a.size()) config_path = a[++i];
    else if (arg == "--log-level" && i + 1 < a.size()) level = a[++i];
    else {
      std::fprintf(stderr, "gatehouse connector: unknown argument '%s'\n%s", a[i], usage);
      return 2;
    }
  }
  if (config_path.empty()) {
    std::fputs(usage, stderr);
    return 2;
  }
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));

  config::connector_config cfg;
  try {
    cfg = config::load_connector_config(config_path);
  } catch (const config::config_error& e) {
    std::fprintf(stderr, "gatehouse connector: %s\n", e.what());
    return 2;
  }
  return connector::run_connector(cfg);
}

}  // namespace gh::cli
