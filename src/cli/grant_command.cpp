#include <cstdio>

#include "cli/commands.hpp"

namespace gh::cli {

int cmd_grant(args) {
  std::fputs("gatehouse grant: not built yet\n", stderr);
  return 2;
}

}  // namespace gh::cli
