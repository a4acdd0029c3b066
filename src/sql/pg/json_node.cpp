#include "sql/pg/json_node.hpp"

namespace gh::sql::pg {

std::optional<node> as_node(const json::value& v) noexcept {
  const json::object* o = v.if_object();
  if (o == nullptr || o->size() != 1) return std::nullopt;
  const auto& member = *o->begin();
  const std::string_view key = member.key();
  if (key.empty() || key[0] < 'A' || key[0] > 'Z') return std::nullopt;
  const json::object* fields = member.value().if_object();
  if (fields == nullptr) return std::nullopt;
  return node{key, fields};
}

const json::value* value_field(const json::object& o, std::string_view key) noexcept {
  return o.if_contains(key);
}

const json::object* object_field(const json::object& o, std::string_view key) noexcept {
  const json::value* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

const json::array* array_field(const json::object& o, std::string_view key) noexcept {
  const json::value* v = o.if_contains(key);
  return v ? v->if_array() : nullptr;
}

std::string_view string_field(const json::object& o, std::string_view key) noexcept {
  const json::value* v = o.if_contains(key);
  const json::string* s = v ? v->if_string() : nullptr;
  return s ? std::string_view(*s) : std::string_view();
}

bool bool_field(const json::object& o, std::string_view key) noexcept {
  const json::value* v = o.if_contains(key);
  const bool* b = v ? v->if_bool() : nullptr;
  return b != nullptr && *b;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string_view> name_parts(const json::array* items) {
  std::vector<std::string_view> out;
  if (items == nullptr) return out;
  out.reserve(items->size());
  for (const auto& item : *items) {
    const auto n = as_node(item);
    if (n && n->type == "String") out.push_back(string_field(*n->fields, "sval"));
    else out.push_back("?");
  }
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

// Integer {"ival": n} (0 is left out: {}), Float {"fval": "1.5"},
// Boolean {"boolval": true} (false is left out), String {"sval": "x"}.
std::optional<std::string> value_text(std::string_view type, const json::object& f) {
  if (type == "String") return std::string(string_field(f, "sval"));
  if (type == "Float") return std::string(string_field(f, "fval"));
  if (type == "Boolean") return std::string(bool_field(f, "boolval") ? "true" : "false");
  if (type == "Integer") {
    const json::value* v = value_field(f, "ival");
    if (v == nullptr) return std::string("0");
    if (const auto* i = v->if_int64()) return std::to_string(*i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> constant_text(const json::value& v) {
  const auto n = as_node(v);
  if (!n) return std::nullopt;
  if (n->type != "A_Const") return value_text(n->type, *n->fields);
  const json::object& c = *n->fields;
  if (bool_field(c, "isnull")) return std::nullopt;
  // The value is one of these members, holding the bare value node's fields.
  static constexpr std::pair<std::string_view, std::string_view> kinds[] = {
      {"sval", "String"}, {"ival", "Integer"}, {"fval", "Float"}, {"boolval", "Boolean"}};
  for (const auto& [member, type] : kinds)
    if (const json::object* f = object_field(c, member)) return value_text(type, *f);
  return std::nullopt;
}

bool is_string_constant(const json::value& v) noexcept {
  const auto n = as_node(v);
  return n && n->type == "A_Const" && object_field(*n->fields, "sval") != nullptr;
}

}  // namespace gh::sql::pg
