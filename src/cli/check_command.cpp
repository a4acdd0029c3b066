#include <cstdio>

#include "cli/commands.hpp"

namespace gh::cli {

int cmd_check(args) {
  std::fputs("gatehouse check: not built yet\n", stderr);
  return 2;
}

}  // namespace gh::cli
