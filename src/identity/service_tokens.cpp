#include "identity/service_tokens.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/crypto.hpp"
#include "common/encoding.hpp"

namespace gh::identity {
namespace {

constexpr std::size_t digest_size = 32;

bool is_base64url_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// YAML reads these plain scalars as booleans or null, not as names.
bool yaml_keyword(std::string_view s) {
  static constexpr std::array<std::string_view, 11> words = {
      "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", ""};
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(words.begin(), words.end(), lower) != words.end();
}

bool yaml_plain_safe(std::string_view s) {
  if (s.empty() || yaml_keyword(s)) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == '@' || c == '/';
  });
}

std::string yaml_scalar(std::string_view s) {
  if (yaml_plain_safe(s)) return std::string(s);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::string new_service_token(const random_source& rng) {
  return std::string(service_token_prefix) +
         base64url_encode(random_bytes(rng, service_token_random_bytes));
}

std::string service_token_sha256_hex(std::string_view token) { return to_hex(sha256(token)); }

std::string_view describe(service_token_error e) {
  switch (e) {
    case service_token_error::malformed_hash:
      return "token_sha256 must be 64 hex digits (the sha256 of the token)";
    case service_token_error::duplicate_hash:
      return "token_sha256 is used by another entry; each token must name one principal";
    case service_token_error::empty_principal:
      return "principal must not be empty";
  }
  return "unknown service token error";
}

expected<service_token_registry, service_token_problem> service_token_registry::build(
    std::span<const service_token_entry> entries) {
  service_token_registry out;
  out.entries_.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (e.principal.empty())
      return unexpected(service_token_problem{service_token_error::empty_principal, i});
    auto digest =
        e.token_sha256.size() == 2 * digest_size ? from_hex(e.token_sha256) : std::nullopt;
    if (!digest) return unexpected(service_token_problem{service_token_error::malformed_hash, i});
    for (const auto& seen : out.entries_)
      if (seen.digest == *digest)
        return unexpected(service_token_problem{service_token_error::duplicate_hash, i});
    out.entries_.push_back(
        {std::move(*digest), principal{e.principal, e.groups, "service_token", {}}});
  }
  return out;
}

std::optional<principal> service_token_registry::authenticate(std::string_view presented) const {
  if (presented.empty()) return std::nullopt;
  const std::string digest = sha256(presented);
  // Every entry is compared, and the loop never exits early, so the time
  // taken says nothing about whether or where the token matched.
  std::size_t found = entries_.size();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const bool equal = constant_time_equal(digest, entries_[i].digest);
    found = equal ? i : found;
  }
  if (found == entries_.size()) return std::nullopt;
  return entries_[found].who;
}

bool looks_like_jwt(std::string_view password) noexcept {
  std::size_t dots = 0;
  std::size_t part_length = 0;
  for (char c : password) {
    if (c == '.') {
      if (part_length == 0) return false;  // header and payload must not be empty
      ++dots;
      part_length = 0;
    } else if (is_base64url_char(c)) {
      ++part_length;
    } else {
      return false;
    }
  }
  return dots == 2;
}

std::string service_token_config_line(const service_token_entry& e) {
  std::string line =
      "- { principal: " + yaml_scalar(e.principal) + ", token_sha256: \"" + e.token_sha256 + "\"";
  if (!e.groups.empty()) {
    line += ", groups: [";
    for (std::size_t i = 0; i < e.groups.size(); ++i) {
      if (i) line += ", ";
      line += yaml_scalar(e.groups[i]);
    }
    line += "]";
  }
  line += " }";
  return line;
}

}  // namespace gh::identity
