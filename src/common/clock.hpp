// Time is passed in (STYLE.md §11): pure code takes `now` as an argument.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace gh {

using sys_time = std::chrono::system_clock::time_point;

inline std::int64_t to_unix_micros(sys_time t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline sys_time from_unix_micros(std::int64_t us) {
  return sys_time(std::chrono::duration_cast<sys_time::duration>(std::chrono::microseconds(us)));
}

// RFC 3339 in UTC with microseconds: 2026-11-24T09:57:56.123456Z
std::string format_rfc3339(sys_time t);

}  // namespace gh
