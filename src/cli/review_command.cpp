#include <cstdio>

#include "cli/commands.hpp"

namespace gh::cli {

int cmd_review(args) {
  std::fputs("gatehouse review: not built yet\n", stderr);
  return 2;
}

}  // namespace gh::cli
