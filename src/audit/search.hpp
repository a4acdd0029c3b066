// What `gatehouse audit search` asks for, as a value, and the pure pieces it
// needs: matching an event against the filter, and reading `--since` /
// `--until` arguments. The store turns the same filter into SQL
// (store/audit_search.hpp); `matches` covers events still in the journals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "audit/event.hpp"
#include "common/clock.hpp"

namespace gh::audit {

struct search_filter {
  std::optional<std::string> principal;
  std::optional<std::string> connection;
  std::optional<std::string> decision;  // allow / review / deny
  std::optional<sys_time> since;        // inclusive
  std::optional<sys_time> until;        // exclusive
  std::size_t limit = 0;                // keep the newest `limit` rows; 0 keeps all
};

// Whether a statement-like event (anything but an outcome) passes the filter.
bool matches(const search_filter& f, const event& ev) noexcept;

// A time argument: RFC 3339 ("2026-11-24T09:57:56Z", fractions and +hh:mm
// offsets allowed), a date ("2026-11-24", midnight UTC), or an age before
// `now` ("90s", "10m", "2h", "7d", "1w"). nullopt when it is none of these.
std::optional<sys_time> parse_time_arg(std::string_view text, sys_time now);

}  // namespace gh::audit
