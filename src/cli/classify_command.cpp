// gatehouse classify [--dialect postgres|mysql] [--json] [SQL | -]
// Prints how the gateway classifies a statement. SQL comes from the
// arguments (joined by spaces) or, when absent or "-", from stdin.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "sql/classification_json.hpp"
#include "sql/pg/classify.hpp"

namespace gh::cli {
namespace {

void usage(std::FILE* out) {
  std::fputs("usage: gatehouse classify [--dialect postgres|mysql] [--json] [SQL | -]\n"
             "  SQL is read from stdin when it is absent or '-'.\n",
             out);
}

// One line for people: the class, then each statement's kind, tables and reason.
std::string human_line(const sql::classification& c) {
  std::string out(sql::to_string(c.cls));
  for (const auto& s : c.statements) {
    out += "\n  ";
    out += sql::to_string(s.cls);
    out += " ";
    out += s.kind;
    if (!s.tables.empty()) {
      out += " [";
      for (std::size_t i = 0; i < s.tables.size(); ++i)
        out += (i ? ", " : "") + s.tables[i].qualified();
      out += "]";
    }
    if (!s.prepared_name.empty()) out += " prepared=" + s.prepared_name;
    out += ": " + s.reason;
  }
  return out;
}

}  // namespace

int cmd_classify(args a) {
  std::string dialect = "postgres";
  bool json = false;
  std::string sql;
  bool have_sql = false, from_stdin = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string_view arg = a[i];
    if (arg == "--json") {
      json = true;
    } else if (arg == "--dialect" && i + 1 < a.size()) {
      dialect = a[++i];
    } else if (arg.substr(0, 10) == "--dialect=") {
      dialect = arg.substr(10);
    } else if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else if (arg == "-") {
      from_stdin = true;
    } else if (arg.size() > 2 && arg.substr(0, 2) == "--" && !have_sql) {
      std::fprintf(stderr, "gatehouse classify: unknown option %s\n", a[i]);
      usage(stderr);
      return 2;
    } else {
      if (have_sql) sql += ' ';
      sql += arg;
      have_sql = true;
    }
  }
  if (dialect == "mysql") {
    std::fputs("gatehouse classify: the MySQL classifier is not built yet\n", stderr);
    return 0;
  }
  if (dialect != "postgres" && dialect != "postgresql") {
    std::fprintf(stderr, "gatehouse classify: unknown dialect '%s'\n", dialect.c_str());
    return 2;
  }
  if (!have_sql || from_stdin)
    sql.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());

  const sql::classification c = sql::pg::classify(sql, sql::pg::classify_options{});
  const std::string out = json ? sql::to_json(c) : human_line(c);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

}  // namespace gh::cli
