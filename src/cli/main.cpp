// gatehouse: one binary, one subcommand per job (DESIGN.md "The binary").
#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: gatehouse <gateway|connector|classify|check|audit|token|review|grant> ...\n", stderr);
    return 2;
  }
  std::fprintf(stderr, "gatehouse: unknown command '%s'\n", argv[1]);
  return 2;
}
