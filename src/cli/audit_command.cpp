#include <cstdio>

#include "cli/commands.hpp"

namespace gh::cli {

int cmd_audit(args) {
  std::fputs("gatehouse audit: not built yet\n", stderr);
  return 2;
}

}  // namespace gh::cli
