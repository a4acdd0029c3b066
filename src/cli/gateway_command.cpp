#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "gateway/server.hpp"

namespace gh::cli {

int cmd_gateway(args a) {
  std::string config_path;
  std::string level = "info";
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view arg = a[i];
    if ((arg == "--config" || arg == "-c") && i + 1 < a.size()) config_path = a[++i];
    else if (arg == "--log-level" && i + 1 < a.size()) level = a[++i];
    else {
      std::fprintf(stderr, "gatehouse gateway: unknown argument '%s'\nusage: gatehouse gateway --config FILE [--log-level debug|info|warn]\n",
                   a[i]);
      return 2;
    }
  }
  if (config_path.empty()) {
    std::fputs("usage: gatehouse gateway --config FILE [--log-level debug|info|warn]\n", stderr);
    return 2;
  }
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));

  config::config cfg;
  try {
    cfg = config::load_config(config_path);
  } catch (const config::config_error& e) {
    std::fprintf(stderr, "gatehouse gateway: %s\n", e.what());
    return 2;
  }
  return gateway::run_gateway(std::move(cfg));
}

}  // namespace gh::cli
