#include "config/values.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "policy/table_pattern.hpp"

namespace gh::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max) {
  if (s.empty() || s.size() > 12 || !std::all_of(s.begin(), s.end(), is_digit)) return std::nullopt;
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (v > max) return std::nullopt;
  return v;
}

bool is_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (label == 0 || s[i - 1] == '-') return false;
      label = 0;
    } else if (is_alnum(c) || c == '_' || (c == '-' && label > 0)) {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return label > 0 && s.back() != '-';
}

bool is_ip(std::string_view s, int family) {
  unsigned char buf[16];
  std::string z(s);  // inet_pton wants a terminated string
  return inet_pton(family, z.c_str(), buf) == 1;
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  constexpr std::pair<char, std::int64_t> units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  constexpr std::int64_t year = 366LL * 86400;
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;
  while (!text.empty()) {
    std::size_t n = 0;
    while (n < text.size() && is_digit(text[n])) ++n;
    if (n == 0 || n == text.size()) return std::nullopt;
    auto value = parse_uint(text.substr(0, n), year);
    if (!value) return std::nullopt;
    std::size_t u = next_unit;
    while (u < std::size(units) && units[u].first != text[n]) ++u;
    if (u == std::size(units)) return std::nullopt;  // unknown unit, or out of order
    total += static_cast<std::int64_t>(*value) * units[u].second;
    if (total > year) return std::nullopt;
    next_unit = u + 1;
    text.remove_prefix(n + 1);
  }
  return std::chrono::seconds(total);
}

bool is_host(std::string_view text) {
  return is_ip(text, AF_INET) || is_ip(text, AF_INET6) || is_dns_name(text);
}

expected<host_port, std::string> parse_host_port(std::string_view text) {
  const std::string shape = "host:port (IPv6 as [::1]:port)";
  host_port out;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || text.substr(close + 1, 1) != ":")
      return unexpected(shape);
    out.host = std::string(text.substr(1, close - 1));
    if (!is_ip(out.host, AF_INET6)) return unexpected("an IPv6 address in [brackets]");
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return unexpected(shape);
    out.host = std::string(text.substr(0, colon));
    if (out.host.find(':') != std::string::npos) return unexpected(shape);
    if (!is_host(out.host)) return unexpected("a host name or IP address before ':port'");
    port = text.substr(colon + 1);
  }
  auto p = parse_uint(port, 65535);
  if (!p || *p == 0) return unexpected("a port from 1 to 65535 after the host");
  out.port = static_cast<std::uint16_t>(*p);
  return out;
}

bool is_name(std::string_view text) {
  if (text.empty() || text.size() > 63 || !is_alnum(text.front())) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; });
}

bool is_principal_name(std::string_view text) {
  if (text.empty() || text.size() > 256) return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

bool is_env_name(std::string_view text) {
  if (text.empty() || is_digit(text.front())) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return is_alnum(c) || c == '_'; });
}

bool is_http_url(std::string_view text, bool require_https_off_loopback) {
  bool https = text.starts_with("https://");
  if (!https && !text.starts_with("http://")) return false;
  std::string_view rest = text.substr(https ? 8 : 7);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return false;  // no credentials in URLs
  std::string_view host = authority;
  if (host.starts_with('[')) {
    host = host.substr(1, host.find(']') == std::string_view::npos ? 0 : host.find(']') - 1);
    if (!is_ip(host, AF_INET6)) return false;
  } else {
    host = host.substr(0, host.find(':'));
    if (!is_host(host)) return false;
  }
  if (https || !require_https_off_loopback) return true;
  return host == "localhost" || host == "127.0.0.1" || host == "::1";
}

std::optional<std::string> canonical_function_name(std::string_view text) {
  if (auto qualified = policy::parse_table_pattern(text); qualified && !qualified->any_name)
    return policy::to_string(*qualified);
  // Unqualified: parse it behind a placeholder schema and drop that again.
  auto bare = policy::parse_table_pattern("x." + std::string(text));
  if (!bare || bare->any_name) return std::nullopt;
  std::string canonical = policy::to_string(*bare);
  return canonical.substr(2);
}

std::string_view closest_word(std::string_view word, std::span<const std::string_view> candidates) {
  std::string_view best;
  // One edit in a short word, two in a longer one; farther is not a typo.
  std::size_t best_distance = word.size() >= 6 ? 3 : 2;
  for (auto c : candidates) {
    std::vector<std::size_t> row(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] != c[j - 1])});
        diagonal = above;
      }
    }
    // A word cut short or run long ("maximum" for "max") is a typo too.
    bool prefix = std::min(word.size(), c.size()) >= 3 && (word.starts_with(c) || c.starts_with(word));
    if (row[c.size()] < best_distance || (prefix && best.empty())) {
      best_distance = row[c.size()];
      best = c;
    }
  }
  return best;
}

std::string quote_value(std::string_view text) {
  std::string out = "'";
  std::size_t shown = 0;
  for (unsigned char c : text) {
    if (++shown > 60) return out + "…'";
    if (c < 0x20 || c == 0x7f) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "'";
}

}  // namespace gh::config
