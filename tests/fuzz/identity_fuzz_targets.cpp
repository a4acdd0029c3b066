#include "identity_fuzz_targets.hpp"

#include <cctype>

#include "identity/discovery.hpp"
#include "identity/jwks.hpp"
#include "identity/jwt.hpp"
#include "identity/jwt_claims.hpp"
#include "identity/service_tokens.hpp"

namespace gh::fuzz {
namespace {

using namespace gh::identity;

// Public halves of throwaway keys (RSA 2048, EC P-256, Ed25519) whose private
// halves were never kept: no input can carry a valid signature, so any
// acceptance is a forgery getting through.
constexpr std::string_view fixed_jwks =
    "{\"keys\":[{\"kid\":\"rsa-1\",\"kty\":\"RSA\",\"n\":"
    "\"zwqiRTAV2NQkMbwuX1o3GNAjT9syaSliGcomiUnR22ju1Xk"
    "jsxwwsoRG3VrFp9bIsIfGZAQCzZeWrbRfByu910LXUbeAmSnF0SBZTohKTSXEkO80a1PWaT4oYBf_pC6VEzKimuY"
    "FpgH4ePk-GZPkKfv4Uc9P9PZc1AH3h5chxUEjxgRh4oCJuDq4h0KJmCUmrQy8Q0rlC_AY_FwP03DJtqOo832MmDw"
    "2YBv9cqR4hFBkbaziG-iWxZP0B3S-MWjnjgAVpGI46xFG6gQLPNRYTOnFQN5Nw7rdreTHqmQGD1jV6ymq5AE0P84"
    "c6VCeDiLu7I9zdIGZOJimzghtI-sK_w\",\"e\":\"AQAB\"},{\"kid\":\"ec-1\",\"kty\":\"EC\",\"crv\":"
    "\"P-256\",\"x\":"
    "\"APcWzAAGIPevJZNRr93ZYhlqHTT8v_EKY6iPojOkHs0\",\"y\":\"iy9u0nJxebq6Jw2bVeF-sU-2imfuNTZgh5N8v"
    "gdIqfU\"},{\"kid\":\"ed-1\",\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"XV2bp3kwB_"
    "EgQiq4xR0CUT40yemOmN2P"
    "5gPNjqqPTfI\"}]}";

const jwks& keys() {
  static const jwks set = parse_jwks(fixed_jwks).value_or(jwks{});
  return set;
}

const provider_settings& provider() {
  static const provider_settings p{"https://idp.example", "urn:gatehouse", "sub", "groups",
                                   std::chrono::seconds(60)};
  return p;
}

bool control_free(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

// Schemes are case-insensitive (RFC 3986 §3.1): "HTTPS://" is https too.
bool https_url(std::string_view s) {
  constexpr std::string_view scheme = "https://";
  if (s.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != scheme[i]) return false;
  return true;
}

std::string_view check_token(std::string_view input, sys_time now) {
  (void)looks_like_jwt(input);
  (void)unverified_issuer(input);
  auto who = verify(input, provider(), keys(), now);
  if (who) return "verify accepted a token no key of ours signed";
  if (input.size() > max_token_size && who.error() != jwt_error::too_large)
    return "an oversized token was refused for another reason than its size";
  return "";
}

// The claim checks, which a signature would otherwise keep out of reach.
std::string_view check_claims(std::string_view input, sys_time now) {
  auto claims = parse_strict_json_object(input, payload_json_limits);
  if (!claims) return "";
  auto who = principal_from_claims(*claims, provider(), now);
  if (!who) return "";
  if (who->name.empty() || who->name.size() > max_principal_name || !control_free(who->name) ||
      who->name.find(' ') != std::string::npos || who->name.starts_with("group:"))
    return "an unusable principal name was accepted";
  for (const auto& g : who->groups)
    if (g.empty() || !control_free(g)) return "an unusable group name was accepted";
  if (!who->expires || *who->expires <= now - provider().skew)
    return "an expired principal was accepted";
  return "";
}

std::string_view check_documents(std::string_view input) {
  if (auto set = parse_jwks(input)) {
    if (set->keys().size() + set->skipped().size() > max_jwks_keys)
      return "a key set beyond the key-count limit was taken";
    for (const auto& k : set->keys())
      if (!k.key) return "a usable key without an OpenSSL key";
  }
  if (auto m = parse_discovery(input, "https://idp.example"))
    if (m->issuer != "https://idp.example" || !https_url(m->jwks_uri))
      return "discovery took another issuer or a non-https jwks_uri";
  return "";
}

}  // namespace

std::string_view identity_jwt(bytes_view in) {
  const std::string_view input = as_chars(in);
  const sys_time now = from_unix_micros(1'800'000'000'000'000);
  if (auto broken = check_token(input, now); !broken.empty()) return broken;
  if (auto broken = check_claims(input, now); !broken.empty()) return broken;
  return check_documents(input);
}

}  // namespace gh::fuzz
