#include "audit/search.hpp"

#include <charconv>
#include <chrono>

namespace gh::audit {
namespace {

using namespace std::chrono;

// Reads exactly `width` digits at `pos`.
bool digits(std::string_view s, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<sys_time> parse_age(std::string_view s, sys_time now) {
  if (s.size() < 2) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
  if (ec != std::errc{} || end != s.data() + s.size() - 1 || n < 0) return std::nullopt;
  // Bounded so that the multiplication below cannot overflow.
  if (n > 100 * 365 * 86400LL) return std::nullopt;
  std::int64_t unit = 0;
  switch (s.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: return std::nullopt;
  }
  if (n > 100 * 365 * 86400LL / unit) return std::nullopt;
  return now - seconds(n * unit);
}

// "+hh:mm" / "-hh:mm" / "Z" at pos, as seconds east of UTC.
std::optional<std::int64_t> parse_offset(std::string_view s, std::size_t pos) {
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) return 0;
  int hh = 0, mm = 0;
  if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || s[pos + 3] != ':' ||
      !digits(s, pos + 1, 2, hh) || !digits(s, pos + 4, 2, mm) || hh > 23 || mm > 59)
    return std::nullopt;
  std::int64_t east = hh * 3600 + mm * 60;
  return s[pos] == '-' ? -east : east;
}

std::optional<sys_time> parse_rfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) ||
      s[7] != '-' || !digits(s, 8, 2, d))
    return std::nullopt;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  // sys_time holds nanoseconds up to 2262: later dates would overflow it.
  if (!ymd.ok() || y < 1970 || y > 2261) return std::nullopt;
  sys_time day_start = sys_days(ymd);
  if (s.size() == 10) return day_start;
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s.size() < 19 ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec) ||
      h > 23 || mi > 59 || sec > 60)
    return std::nullopt;
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos)
      if (pos - start < 6) micros = micros * 10 + (s[pos] - '0');
    if (pos == start) return std::nullopt;
    for (std::size_t k = pos - start; k < 6; ++k) micros *= 10;
  }
  auto offset = parse_offset(s, pos);
  if (!offset) return std::nullopt;
  return day_start + hours(h) + minutes(mi) + seconds(sec) + microseconds(micros) -
         seconds(*offset);
}

}  // namespace

bool matches(const search_filter& f, const event& ev) noexcept {
  if (f.principal && ev.principal != *f.principal) return false;
  if (f.connection && ev.connection != *f.connection) return false;
  if (f.decision && ev.decision != *f.decision) return false;
  if (f.since && ev.time < *f.since) return false;
  if (f.until && ev.time >= *f.until) return false;
  return ev.kind != event_kind::outcome;
}

std::optional<sys_time> parse_time_arg(std::string_view text, sys_time now) {
  if (text.empty()) return std::nullopt;
  if (text.size() >= 10 && text[4] == '-') return parse_rfc3339(text);
  return parse_age(text, now);
}

}  // namespace gh::audit
