#include "sql/pg/parse_tree.hpp"

#include <boost/json/parse.hpp>
#include <pg_query.h>

namespace gh::sql::pg {

expected<parse_tree, parse_error> parse(std::string_view sql, std::size_t max_json_depth) {
  const std::string text(sql);  // libpg_query wants a NUL-terminated string
  PgQueryParseResult raw = pg_query_parse(text.c_str());
  if (raw.error != nullptr) {
    parse_error err{raw.error->message ? raw.error->message : "parse error",
                    raw.error->cursorpos};
    pg_query_free_parse_result(raw);
    return unexpected(std::move(err));
  }
  parse_tree tree;
  tree.arena_ = std::make_unique<boost::json::monotonic_resource>();
  boost::json::parse_options options;
  options.max_depth = max_json_depth;
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(raw.parse_tree ? raw.parse_tree : "", ec,
                                            tree.arena_.get(), options);
  pg_query_free_parse_result(raw);
  if (ec) return unexpected(parse_error{"could not read the parse tree: " + ec.message(), 0});
  tree.root_ = std::make_unique<boost::json::value>(std::move(v));
  return tree;
}

}  // namespace gh::sql::pg
