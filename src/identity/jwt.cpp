#include "identity/jwt.hpp"

#include "identity/jws.hpp"
#include "identity/jwt_claims.hpp"
#include "identity/strict_json.hpp"

namespace gh::identity {
namespace {

namespace json = boost::json;

jwt_error from(jws_error e) {
  return e == jws_error::too_large ? jwt_error::too_large : jwt_error::malformed;
}

jwt_error from(key_lookup_error e) {
  return e == key_lookup_error::alg_refused ? jwt_error::alg_refused : jwt_error::unknown_key;
}

// The header decides only which of our keys to try and with which of the
// algorithms that key allows. Nothing in it can bring in a key or an
// algorithm of its own: jku, x5u, jwk and x5c are not even read.
expected<const jwk*, jwt_error> key_for(const json::object& header, const jwks& keys,
                                        jws_alg& alg) {
  const json::value* alg_value = header.if_contains("alg");
  if (!alg_value || !alg_value->is_string()) return unexpected(jwt_error::malformed);
  if (header.contains("crit")) return unexpected(jwt_error::crit_refused);
  const json::string& alg_name = alg_value->get_string();
  auto parsed = parse_jws_alg(std::string_view(alg_name.data(), alg_name.size()));
  if (!parsed) return unexpected(jwt_error::alg_refused);
  alg = *parsed;

  std::optional<std::string_view> kid;
  if (const json::value* kid_value = header.if_contains("kid")) {
    const json::string* s = kid_value->if_string();
    if (!s) return unexpected(jwt_error::malformed);
    kid = std::string_view(s->data(), s->size());
  }
  auto key = keys.find(kid, alg);
  if (!key) return unexpected(from(key.error()));
  return *key;
}

}  // namespace

std::string_view describe(jwt_error e) {
  switch (e) {
    case jwt_error::too_large:
      return "token refused: larger than 8 KiB";
    case jwt_error::malformed:
      return "token refused: not a well-formed JWT (compact JWS with JSON header and claims)";
    case jwt_error::alg_refused:
      return "token refused: algorithm not allowed for the provider's key (none, HS*, or a "
             "mismatch with the key)";
    case jwt_error::crit_refused:
      return "token refused: header has \"crit\" (unsupported extensions)";
    case jwt_error::unknown_key:
      return "token refused: signing key unknown to the provider's JWKS (kid not found)";
    case jwt_error::bad_signature:
      return "token refused: bad signature";
    case jwt_error::wrong_issuer:
      return "token refused: issuer (iss) is not the configured issuer";
    case jwt_error::wrong_audience:
      return "token refused: audience (aud) does not include the configured audience";
    case jwt_error::missing_exp:
      return "token refused: no expiry (exp) claim";
    case jwt_error::expired:
      return "token refused: expired (exp is past, beyond the allowed clock skew)";
    case jwt_error::not_yet_valid:
      return "token refused: not yet valid (nbf is in the future, beyond the allowed clock skew)";
    case jwt_error::issued_in_future:
      return "token refused: issued in the future (iat beyond the allowed clock skew)";
    case jwt_error::bad_claim:
      return "token refused: a claim has the wrong type (exp/nbf/iat, aud or groups)";
    case jwt_error::no_principal:
      return "token refused: the principal claim is missing, empty or not a usable name";
  }
  return "token refused: unknown reason";
}

expected<principal, jwt_error> verify(std::string_view token, const provider_settings& provider,
                                      const jwks& keys, sys_time now) {
  auto jws = split_compact_jws(token);
  if (!jws) return unexpected(from(jws.error()));
  jws_alg alg{};
  auto key = key_for(jws->header, keys, alg);
  if (!key) return unexpected(key.error());
  if (!verify_signature((*key)->key, alg, jws->signing_input, jws->signature))
    return unexpected(jwt_error::bad_signature);
  // Claims are read only once the signature holds.
  auto claims = parse_strict_json_object(jws->payload, payload_json_limits);
  if (!claims) return unexpected(jwt_error::malformed);
  return principal_from_claims(*claims, provider, now);
}

std::optional<std::string> unverified_issuer(std::string_view token) {
  auto jws = split_compact_jws(token);
  if (!jws) return std::nullopt;
  auto claims = parse_strict_json_object(jws->payload, payload_json_limits);
  if (!claims) return std::nullopt;
  const json::value* iss = claims->if_contains("iss");
  if (!iss || !iss->is_string()) return std::nullopt;
  return std::string(iss->get_string());
}

}  // namespace gh::identity
