// Local service tokens: "gh_" + base64url(32 random bytes). The gateway keeps
// only sha256(token); a presented password is hashed and compared against
// every entry in constant time, so neither the match nor its position shows.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "common/random.hpp"
#include "identity/principal.hpp"

namespace gh::identity {

inline constexpr std::string_view service_token_prefix = "gh_";
inline constexpr std::size_t service_token_random_bytes = 32;

// A fresh token from `rng` (the binary passes gh::system_random()).
std::string new_service_token(const random_source& rng);

// Lower-case hex of sha256(token): what the config stores.
std::string service_token_sha256_hex(std::string_view token);

// One configured token, as plain values (identity stays below config).
struct service_token_entry {
  std::string principal;
  std::string token_sha256;  // 64 hex digits, either case
  std::vector<std::string> groups;
};

enum class service_token_error {
  malformed_hash,  // not 64 hex digits
  duplicate_hash,  // two entries share a token: which principal would it be?
  empty_principal,
};
std::string_view describe(service_token_error e);

// Which entry (index in the list given to build) and why.
struct service_token_problem {
  service_token_error reason;
  std::size_t index;
};

class service_token_registry {
 public:
  service_token_registry() = default;

  // Checked once at config time; an error names the offending entry.
  static expected<service_token_registry, service_token_problem> build(
      std::span<const service_token_entry> entries);

  // The principal the token names, or nullopt. Hashes `presented` and
  // compares it with every entry, whatever matched before.
  std::optional<principal> authenticate(std::string_view presented) const;

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct entry {
    std::string digest;  // 32 raw bytes
    principal who;
  };
  std::vector<entry> entries_;
};

// True when `password` has the shape of a compact JWS (three base64url parts
// split by two dots; the signature part may be empty so that "alg: none"
// tokens reach the verifier and are refused there with a clear reason).
// Service tokens never contain a dot, so the two kinds cannot be confused.
bool looks_like_jwt(std::string_view password) noexcept;

// The YAML line for identity.service_tokens, quoting what YAML would
// otherwise misread: `- { principal: P, token_sha256: "<hex>", groups: [a, b] }`.
std::string service_token_config_line(const service_token_entry& e);

}  // namespace gh::identity
