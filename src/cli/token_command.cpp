#include <cstdio>

#include "cli/commands.hpp"

namespace gh::cli {

int cmd_token(args) {
  std::fputs("gatehouse token: not built yet\n", stderr);
  return 2;
}

}  // namespace gh::cli
