// The search_path values a session's server may be using right now. The
// gateway cannot see every SET take effect (a SET can fail, be rolled back
// with its transaction, or be LOCAL), so it keeps every value the path may
// have, and an unqualified table must be allowed under each of them; a
// statement that provably settled the path collapses the set again. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/classification.hpp"
#include "sql/search_path.hpp"

namespace gh::gateway {

class search_path_candidates {
 public:
  static constexpr std::size_t max_candidates = 8;

  // `session_default`: the value RESET returns to (the startup parameter,
  // else the server's default "$user", public).
  explicit search_path_candidates(std::string session_default = {});

  // Adds every resolution of `t` under every candidate path to `out`
  // (deduplicated). A name no candidate resolves, or any unqualified name
  // once too many paths are possible, is added without a schema: it matches
  // no table-restricted rule.
  void resolve(const sql::table_name& t, std::string_view session_user, std::vector<sql::table_name>& out) const;

  // A statement that may set the path to `value` (nullopt: the default).
  void add(const std::optional<std::string>& value);
  // The path is now exactly `value`.
  void settle(const std::optional<std::string>& value);

  std::size_t size() const noexcept { return paths_.size(); }
  bool lost() const noexcept { return lost_; }

 private:
  std::optional<sql::search_path> parse(const std::optional<std::string>& value) const;

  std::string default_;
  std::vector<sql::search_path> paths_;
  bool lost_ = false;  // a value could not be parsed, or too many candidates
};

}  // namespace gh::gateway
