// A provider's JSON Web Key Set (RFC 7517 §5), the document at its jwks_uri,
// as the verifier's key set. Keys that cannot be used are skipped, each with
// a reason for the log, rather than failing the whole set: one odd key (an
// encryption key, RSA-1024, a curve we do not verify) must not lock every
// agent out. The set is an immutable value: an async caller keeps one
// snapshot per provider and swaps it whole after a refresh.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "identity/jws.hpp"
#include "identity/public_key.hpp"
#include "identity/strict_json.hpp"

namespace gh::identity {

struct jwk {
  std::optional<std::string> kid;
  key_type type;
  std::optional<jws_alg> alg;  // the key's own "alg"; nullopt: what its type supports
  public_key key;

  // The key may verify `a`: its type supports it and its own alg, if any, is `a`.
  bool allows(jws_alg a) const noexcept { return key_supports(type, a) && (!alg || *alg == a); }
};

struct skipped_jwk {
  std::size_t index;               // position in the document's "keys"
  std::optional<std::string> kid;  // when it had a string one
  std::string_view reason;         // static text
};

inline constexpr json_limits jwks_json_limits{256 * 1024, 6};
inline constexpr std::size_t max_jwks_keys = 100;

enum class jwks_error { malformed, too_large };
std::string_view describe(jwks_error e);

enum class key_lookup_error {
  unknown_key,  // no key with that kid (or, without kid, no single candidate): refresh the set
  alg_refused,  // the kid names a key that does not allow the token's alg
};

class jwks {
 public:
  jwks() = default;
  jwks(std::vector<jwk> keys, std::vector<skipped_jwk> skipped)
      : keys_(std::move(keys)), skipped_(std::move(skipped)) {}

  const std::vector<jwk>& keys() const noexcept { return keys_; }
  const std::vector<skipped_jwk>& skipped() const noexcept { return skipped_; }

  // The key for a token's kid and alg. With a kid: the first key with that
  // kid, which must allow `alg`. Without: the only key that allows `alg`.
  expected<const jwk*, key_lookup_error> find(const std::optional<std::string_view>& kid,
                                              jws_alg alg) const;

 private:
  std::vector<jwk> keys_;
  std::vector<skipped_jwk> skipped_;
};

// `{"keys": [...]}` → the usable keys. Errors only for a document that is
// not a JWK Set at all or exceeds the limits; an empty result is a value
// (every token then fails with unknown_key), never "keep the old keys".
expected<jwks, jwks_error> parse_jwks(std::string_view json_text);

}  // namespace gh::identity
