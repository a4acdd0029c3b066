#include "gateway/search_path_candidates.hpp"

#include <algorithm>

namespace gh::gateway {

search_path_candidates::search_path_candidates(std::string session_default)
    : default_(session_default.empty() ? "\"$user\", public" : std::move(session_default)) {
  if (auto p = parse(std::nullopt)) paths_.push_back(*p);
  else lost_ = true;
}

std::optional<sql::search_path> search_path_candidates::parse(const std::optional<std::string>& value) const {
  auto p = sql::parse_search_path(value ? *value : default_);
  if (!p) return std::nullopt;
  return *p;
}

void search_path_candidates::add(const std::optional<std::string>& value) {
  auto p = parse(value);
  if (!p) {
    lost_ = true;
    return;
  }
  if (std::find(paths_.begin(), paths_.end(), *p) != paths_.end()) return;
  if (paths_.size() >= max_candidates) {
    lost_ = true;
    return;
  }
  paths_.push_back(std::move(*p));
}

void search_path_candidates::settle(const std::optional<std::string>& value) {
  auto p = parse(value);
  paths_.clear();
  lost_ = !p;
  if (p) paths_.push_back(std::move(*p));
}

void search_path_candidates::resolve(const sql::table_name& t, std::string_view session_user,
                                     std::vector<sql::table_name>& out) const {
  auto push = [&out](sql::table_name r) {
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(std::move(r));
  };
  if (!t.schema.empty()) {
    push(t);
    return;
  }
  if (lost_ || paths_.empty()) {
    push(t);  // unresolvable
    return;
  }
  static const std::set<std::string> unknown_schemas;
  for (const auto& p : paths_) {
    auto r = sql::resolve_table_name(t, p, session_user, unknown_schemas);
    push(r ? *r : t);
  }
}

}  // namespace gh::gateway
