// libFuzzer entry of pg_classify_fuzz: arbitrary bytes as SQL text for the
// PostgreSQL classifier (libpg_query underneath). The contract it checks is
// the one the gateway relies on: classify() never throws or crashes, the
// string takes its strictest statement's class, a statement the parser
// rejects is never a read, and classifying twice gives the same answer.
//   scripts/fuzz.sh 600 pg_classify_fuzz
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sql/pg/classify.hpp"

namespace {

std::string_view check(std::string_view text) {
  gh::sql::pg::classify_options o;
  o.read_functions = {"app.report_total"};
  o.max_statement_bytes = 4096;
  o.max_depth = 200;
  const gh::sql::classification c = gh::sql::pg::classify(text, o);
  auto strictest = gh::sql::statement_class::read;
  for (const auto& s : c.statements) strictest = std::max(strictest, s.cls);
  if (!c.statements.empty() && c.cls != strictest) return "the class is not the strictest statement's";
  if (c.cls == gh::sql::statement_class::read && text.find('\0') != std::string_view::npos)
    return "text with a NUL byte came out a read";
  const gh::sql::classification again = gh::sql::pg::classify(text, o);
  if (again.cls != c.cls || again.reason != c.reason || again.tables() != c.tables())
    return "classifying twice differs";
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view broken = check(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "invariant broken: %.*s\n", static_cast<int>(broken.size()), broken.data());
    std::abort();
  }
  return 0;
}
