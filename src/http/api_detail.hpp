// Pieces the API's handlers share. Internal to gh_http.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/grant_book.hpp"
#include "gateway/review_board.hpp"
#include "http/message.hpp"

namespace gh::http::detail {

// A request target split into decoded path segments and query parameters.
struct target {
  std::vector<std::string> path;
  std::vector<std::pair<std::string, std::string>> query;
  std::optional<std::string> param(std::string_view key) const;
};
std::optional<target> parse_target(std::string_view text);

// ?limit=N, 1..max; `fallback` when absent.
expected<std::size_t, std::string> limit_param(const target& t, std::size_t fallback,
                                               std::size_t max);

response method_not_allowed(std::string_view allow);
response bad_request(std::string_view detail);
// "a, b, group:c", or "nobody".
std::string names(const std::vector<std::string>& items);

// The status and stable code for each error of the board and the book.
std::pair<status, std::string_view> status_of(gateway::review_error e) noexcept;
std::pair<status, std::string_view> status_of(gateway::grant_error e) noexcept;

}  // namespace gh::http::detail
