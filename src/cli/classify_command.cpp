#include <cstdio>

#include "cli/commands.hpp"

namespace gh::cli {

int cmd_classify(args) {
  std::fputs("gatehouse classify: not built yet\n", stderr);
  return 2;
}

}  // namespace gh::cli
