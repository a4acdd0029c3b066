#include "policy/table_pattern.hpp"

namespace gh::policy {
namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_ident_char(unsigned char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

// One identifier from the front of `in`; advances `in` past it. Folds ASCII
// only, as PostgreSQL does for multi-byte encodings (downcase_identifier).
std::optional<std::string> take_identifier(std::string_view& in) {
  if (in.empty()) return std::nullopt;
  std::string out;
  if (in.front() == '"') {
    std::size_t i = 1;
    for (;;) {
      if (i >= in.size()) return std::nullopt;  // no closing quote
      if (in[i] == '"') {
        if (i + 1 < in.size() && in[i + 1] == '"') {
          out += '"';
          i += 2;
          continue;
        }
        break;
      }
      out += in[i++];
    }
    if (out.empty()) return std::nullopt;  // "" is not an identifier
    in.remove_prefix(i + 1);
    return out;
  }
  if (!is_ident_start(static_cast<unsigned char>(in.front()))) return std::nullopt;
  std::size_t i = 0;
  while (i < in.size() && is_ident_char(static_cast<unsigned char>(in[i]))) {
    char c = in[i++];
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  in.remove_prefix(i);
  return out;
}

// Quoted unless it would read back the same unquoted.
std::string quote_if_needed(std::string_view id) {
  bool plain = !id.empty() && is_ident_start(static_cast<unsigned char>(id.front()));
  for (unsigned char c : id)
    if (!is_ident_char(c) || (c >= 'A' && c <= 'Z')) plain = false;
  if (plain) return std::string(id);
  std::string out = "\"";
  for (char c : id) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::optional<table_pattern> parse_table_pattern(std::string_view text) {
  table_pattern p;
  auto schema = take_identifier(text);
  if (!schema || text.empty() || text.front() != '.') return std::nullopt;
  text.remove_prefix(1);
  p.schema = std::move(*schema);
  if (text == "*") {
    p.any_name = true;
    return p;
  }
  auto name = take_identifier(text);
  if (!name || !text.empty()) return std::nullopt;
  p.name = std::move(*name);
  return p;
}

std::string to_string(const table_pattern& p) {
  return quote_if_needed(p.schema) + "." + (p.any_name ? std::string("*") : quote_if_needed(p.name));
}

std::optional<sql::table_name> parse_table_name(std::string_view text) {
  auto p = parse_table_pattern(text);
  if (!p || p->any_name) return std::nullopt;
  return sql::table_name{std::move(p->schema), std::move(p->name)};
}

}  // namespace gh::policy
