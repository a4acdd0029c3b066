// gatehouse classify [--dialect postgres|mysql] [--sql-mode MODE] [--json] [SQL | -]
// Prints how the gateway classifies a statement. SQL comes from the
// arguments (joined by spaces) or, when absent or "-", from stdin.
// --sql-mode (mysql only) is the session's sql_mode, which changes lexing.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "sql/classification_json.hpp"
#include "sql/mysql/classify.hpp"
#include "sql/pg/classify.hpp"

namespace gh::cli {
namespace {

void usage(std::FILE* out) {
  std::fputs("usage: gatehouse classify [--dialect postgres|mysql] [--sql-mode MODE] [--json] [SQL | -]\n"
             "  SQL is read from stdin when it is absent or '-'.\n"
             "  --sql-mode: the MySQL session's sql_mode (ANSI_QUOTES, NO_BACKSLASH_ESCAPES...).\n",
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

// "--name" or "--name=value": SQL starting with a "-- comment" is not one.
bool looks_like_option(std::string_view arg) {
  if (arg.size() < 3 || arg.substr(0, 2) != "--") return false;
  for (char c : arg.substr(2, arg.find('=') == std::string_view::npos ? arg.npos : arg.find('=') - 2))
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
  return true;
}

}  // namespace

int cmd_classify(args a) {
  std::string dialect = "postgres";
  std::optional<std::string> sql_mode;
  bool json = false;
  bool options_done = false;
  std::vector<std::string_view> words;  // the SQL, as separate arguments
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string_view arg = a[i];
    if (!options_done && words.empty()) {
      if (arg == "--json") {
        json = true;
        continue;
      }
      if (arg == "--dialect" && i + 1 < a.size()) {
        dialect = a[++i];
        continue;
      }
      if (arg.substr(0, 10) == "--dialect=") {
        dialect = arg.substr(10);
        continue;
      }
      if (arg == "--sql-mode" && i + 1 < a.size()) {
        sql_mode = a[++i];
        continue;
      }
      if (arg.substr(0, 11) == "--sql-mode=") {
        sql_mode = arg.substr(11);
        continue;
      }
      if (arg == "-h" || arg == "--help") {
        usage(stdout);
        return 0;
      }
      if (arg == "--") {
        options_done = true;
        continue;
      }
      if (looks_like_option(arg)) {
        std::fprintf(stderr, "gatehouse classify: unknown option %s\n", a[i]);
        usage(stderr);
        return 2;
      }
    }
    words.push_back(arg);
  }
  const bool mysql = dialect == "mysql" || dialect == "mariadb";
  if (!mysql && dialect != "postgres" && dialect != "postgresql") {
    std::fprintf(stderr, "gatehouse classify: unknown dialect '%s'\n", dialect.c_str());
    return 2;
  }
  sql::mysql::classify_options mysql_options;
  if (sql_mode) {
    const auto mode = sql::mysql::lex_mode_of_sql_mode(*sql_mode);
    if (!mysql || !mode) {
      std::fprintf(stderr, "gatehouse classify: --sql-mode '%s' %s\n", sql_mode->c_str(),
                   mysql ? "is not a mode the MySQL classifier can lex under"
                         : "applies to --dialect mysql only");
      return 2;
    }
    mysql_options.sql_mode = *mode;
  }
  std::string sql;
  if (words.empty() || (words.size() == 1 && words[0] == "-")) {
    sql.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i) sql += ' ';
      sql += words[i];
    }
  }

  const sql::classification c = mysql ? sql::mysql::classify(sql, mysql_options)
                                      : sql::pg::classify(sql, sql::pg::classify_options{});
  const std::string out = json ? sql::to_json(c) : human_line(c);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

}  // namespace gh::cli
