#include "gateway/mysql_sessions.hpp"

#include <charconv>

#include "common/bytes.hpp"

namespace gh::gateway {

std::uint32_t mysql_sessions::issue(const random_source& rng) {
  std::lock_guard lock(mu_);
  for (;;) {
    const std::string b = random_bytes(rng, 4);
    const std::uint32_t id = (load_be32(reinterpret_cast<const std::uint8_t*>(b.data())) & 0x7fffffff) | 1;
    if (by_id_.try_emplace(id).second) return id;
  }
}

void mysql_sessions::attach(std::uint32_t id, mysql_session_entry entry) {
  std::lock_guard lock(mu_);
  by_id_[id] = std::move(entry);
}

void mysql_sessions::release(std::uint32_t id) {
  std::lock_guard lock(mu_);
  by_id_.erase(id);
}

std::optional<mysql_session_entry> mysql_sessions::find(std::uint32_t id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The next word (letters), upper-cased; empty when none.
std::string word(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))) ++n;
  std::string w(s.substr(0, n));
  for (char& c : w)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  s.remove_prefix(n);
  return w;
}

bool skip_space(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && space(s[n])) ++n;
  s.remove_prefix(n);
  return n > 0;
}

}  // namespace

std::optional<mysql_kill> parse_mysql_kill(std::string_view s) {
  skip_space(s);
  if (word(s) != "KILL" || !skip_space(s)) return std::nullopt;
  mysql_kill k;
  std::string_view rest = s;
  std::string w = word(rest);
  if (w == "HARD" || w == "SOFT") {
    if (!skip_space(rest)) return std::nullopt;
    s = rest;
    w = word(rest);
  }
  if (w == "QUERY" || w == "CONNECTION") {
    if (!skip_space(rest)) return std::nullopt;
    k.query = w == "QUERY";
    s = rest;
  } else if (!w.empty()) {
    return std::nullopt;  // KILL USER, KILL QUERY ID, anything else
  }
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0 || n > 10) return std::nullopt;
  std::uint64_t id = 0;
  std::from_chars(s.data(), s.data() + n, id);
  if (id == 0 || id > 0xffffffffu) return std::nullopt;
  s.remove_prefix(n);
  skip_space(s);
  if (!s.empty() && s.front() == ';') {
    s.remove_prefix(1);
    skip_space(s);
  }
  if (!s.empty()) return std::nullopt;
  k.id = static_cast<std::uint32_t>(id);
  return k;
}

}  // namespace gh::gateway
