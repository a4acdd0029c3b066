#include "sql/pg/parse_tree.hpp"

#include <pg_query.h>

namespace gh::sql::pg {

void parse_tree::free_tree::operator()(PgQuery__ParseResult* t) const noexcept {
  pg_query__parse_result__free_unpacked(t, nullptr);
}

expected<parse_tree, parse_error> parse(std::string_view sql) {
  const std::string text(sql);  // libpg_query wants a NUL-terminated string
  PgQueryProtobufParseResult raw = pg_query_parse_protobuf(text.c_str());
  if (raw.error != nullptr) {
    parse_error err{raw.error->message ? raw.error->message : "parse error",
                    raw.error->cursorpos};
    pg_query_free_protobuf_parse_result(raw);
    return unexpected(std::move(err));
  }
  // unpack copies what it needs; the packed buffer is freed right after.
  PgQuery__ParseResult* tree = pg_query__parse_result__unpack(
      nullptr, raw.parse_tree.len, reinterpret_cast<const uint8_t*>(raw.parse_tree.data));
  pg_query_free_protobuf_parse_result(raw);
  if (tree == nullptr) return unexpected(parse_error{"could not unpack the parse tree", 0});
  return parse_tree(tree);
}

}  // namespace gh::sql::pg
