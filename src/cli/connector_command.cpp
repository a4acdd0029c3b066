#include <cstdio>

#include "cli/commands.hpp"

namespace gh::cli {

int cmd_connector(args) {
  std::fputs("gatehouse connector: not built yet\n", stderr);
  return 2;
}

}  // namespace gh::cli
