#include "sql/pg/node_text.hpp"

namespace gh::sql::pg {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<std::string_view> string_value(const PgQuery__Node* n) noexcept {
  if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_STRING || n->string == nullptr)
    return std::nullopt;
  return text(n->string->sval);
}

std::vector<std::string_view> name_parts(std::size_t n, PgQuery__Node* const* items) {
  std::vector<std::string_view> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(string_value(items[i]).value_or("?"));
  return out;
}

std::string join_name(const std::vector<std::string_view>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    out += parts[i];
  }
  return out;
}

namespace {

std::optional<std::string> value_node_text(const PgQuery__Node* n) {
  if (n == nullptr) return std::nullopt;
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_STRING:
      if (n->string) return std::string(text(n->string->sval));
      break;
    case PG_QUERY__NODE__NODE_INTEGER:
      if (n->integer) return std::to_string(n->integer->ival);
      break;
    case PG_QUERY__NODE__NODE_FLOAT:
      if (n->float_) return std::string(text(n->float_->fval));
      break;
    case PG_QUERY__NODE__NODE_BOOLEAN:
      if (n->boolean) return std::string(n->boolean->boolval ? "true" : "false");
      break;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<std::string> a_const_text(const PgQuery__AConst* c) {
  if (c == nullptr || c->isnull) return std::nullopt;
  switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_SVAL:
      if (c->sval) return std::string(text(c->sval->sval));
      break;
    case PG_QUERY__A__CONST__VAL_IVAL:
      if (c->ival) return std::to_string(c->ival->ival);
      break;
    case PG_QUERY__A__CONST__VAL_FVAL:
      if (c->fval) return std::string(text(c->fval->fval));
      break;
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
      if (c->boolval) return std::string(c->boolval->boolval ? "true" : "false");
      break;
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> constant_text(const PgQuery__Node* n) {
  // Casts are not followed: 'abc'::varchar(1) is 'a', and a value we misread
  // is worse than a value we refuse.
  if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_A_CONST) return std::nullopt;
  return a_const_text(n->a_const);
}

std::optional<std::string> def_arg_text(const PgQuery__DefElem* d) {
  if (d == nullptr || d->arg == nullptr) return std::nullopt;
  if (auto v = value_node_text(d->arg)) return v;
  return constant_text(d->arg);
}

}  // namespace gh::sql::pg
