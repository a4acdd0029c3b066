#include <cstdio>

#include "cli/commands.hpp"

namespace gh::cli {

int cmd_gateway(args) {
  std::fputs("gatehouse gateway: not built yet\n", stderr);
  return 2;
}

}  // namespace gh::cli
