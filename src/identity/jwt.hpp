// OIDC access and ID tokens (JWT, RFC 7519, in a compact JWS) verified
// against one provider's key set. Pure: the caller passes the provider's
// settings, its current JWKS snapshot and `now`:
//
//   auto who = verify(password, provider, *keys_snapshot, clock_now);
//   if (!who && who.error() == jwt_error::unknown_key && limiter.try_acquire(now))
//     ...refetch the JWKS, swap the snapshot, verify once more...
//
// What is refused, and why (docs/identity.md has the table):
//  - the algorithm comes from the key: the header's "alg" only chooses among
//    what the key's type allows (RSA: RS256, PS256; EC P-256: ES256; OKP
//    Ed25519: EdDSA). "none", HS*, and everything else are refused;
//  - "crit" in any form is refused (we implement no extension);
//  - "jku", "x5u", "jwk", "x5c" are never fetched or used: only our keys verify;
//  - "iss" must equal the configured issuer, "aud" (string or array) must hold
//    the configured audience, "exp" is required, "nbf"/"iat" are honoured,
//    each with `skew`.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/expected.hpp"
#include "identity/jwks.hpp"
#include "identity/principal.hpp"

namespace gh::identity {

// One identity.oidc entry, as plain values.
struct provider_settings {
  std::string issuer;                   // exact match with "iss"; empty never matches
  std::string audience;                 // must be in "aud"; empty never matches
  std::string principal_claim = "sub";  // a top-level claim holding a string; no fallback
  std::string groups_claim = "groups";  // a top-level claim: string or array of strings
  std::chrono::seconds skew{60};        // allowed clock difference with the provider
};

inline constexpr std::size_t max_principal_name = 256;
inline constexpr std::size_t max_groups = 256;

enum class jwt_error {
  too_large,         // the token exceeds max_token_size
  malformed,         // not a compact JWS with JSON header and claims
  alg_refused,       // none, HS*, an unknown alg, or one the chosen key does not allow
  crit_refused,      // a "crit" header: extensions we do not implement
  unknown_key,       // no key in the set for the token's kid: refresh the JWKS (rate-limited)
  bad_signature,     // the signature does not verify under the provider's key
  wrong_issuer,      // "iss" missing or not the configured issuer
  wrong_audience,    // "aud" missing or without the configured audience
  missing_exp,       // no "exp": a token that never expires is not accepted
  expired,           // now >= exp + skew
  not_yet_valid,     // now + skew < nbf
  issued_in_future,  // iat > now + skew
  bad_claim,         // exp/nbf/iat not a date, groups not strings, aud with non-strings
  no_principal,      // the principal claim is missing, not a string, or not a name a rule
                     // could hold (empty, spaces, control characters, "group:...", > 256)
};

// A sentence for an operator's log line. Static text: never holds the token.
std::string_view describe(jwt_error e);

// The principal the token names (source "oidc:<issuer>", expires = exp), or
// why not. Precondition: none; any bytes are a valid input.
expected<principal, jwt_error> verify(std::string_view token, const provider_settings& provider,
                                      const jwks& keys, sys_time now);

// UNTRUSTED: the "iss" claim read without verifying anything, so that the
// gateway can pick which provider's settings and keys to verify with. Never
// use it for a decision; only verify()'s result says who is speaking.
std::optional<std::string> unverified_issuer(std::string_view token);

}  // namespace gh::identity
