#include "identity/jwt_claims.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <boost/json/array.hpp>

namespace gh::identity {
namespace {

namespace json = boost::json;

using micros = std::int64_t;

// 2255-03-14: sys_time counts nanoseconds in 64 bits and ends in 2262, so a
// later date cannot even be held; a token claiming one is refused, not clamped.
constexpr double max_numeric_date = 9'000'000'000.0;

// The allowance is configuration, but it still must not overflow the sums
// below or turn into a negative margin.
constexpr std::chrono::seconds max_skew = std::chrono::hours(24);

// RFC 7519 §2 NumericDate: seconds since the epoch, possibly fractional.
// nullopt for any other JSON type, NaN, negative or absurd values.
std::optional<micros> numeric_date(const json::value& v) {
  double seconds = 0;
  if (const auto* i = v.if_int64())
    seconds = static_cast<double>(*i);
  else if (const auto* u = v.if_uint64())
    seconds = static_cast<double>(*u);
  else if (const auto* d = v.if_double())
    seconds = *d;
  else
    return std::nullopt;
  if (!std::isfinite(seconds) || seconds < 0 || seconds > max_numeric_date) return std::nullopt;
  return static_cast<micros>(std::floor(seconds * 1e6));
}

std::string_view view(const json::string& s) { return {s.data(), s.size()}; }

// A group name that is safe to compare, log and audit: no control characters.
bool usable_group(std::string_view s) {
  if (s.empty() || s.size() > max_principal_name) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

// A principal name as the config can write one in a rule (no spaces or
// control characters), and never "group:...", which rules read as a group.
bool usable_principal(std::string_view s) {
  if (!usable_group(s) || s.starts_with("group:")) return false;
  for (unsigned char c : s)
    if (c == ' ') return false;
  return true;
}

std::optional<jwt_error> check_issuer(const json::object& claims, const provider_settings& p) {
  const json::value* iss = claims.if_contains("iss");
  if (p.issuer.empty() || !iss || !iss->is_string() || view(iss->get_string()) != p.issuer)
    return jwt_error::wrong_issuer;
  return std::nullopt;
}

std::optional<jwt_error> check_audience(const json::object& claims, const provider_settings& p) {
  const json::value* aud = claims.if_contains("aud");
  if (p.audience.empty() || !aud) return jwt_error::wrong_audience;
  if (const json::string* one = aud->if_string())
    return view(*one) == p.audience ? std::nullopt : std::optional(jwt_error::wrong_audience);
  const json::array* many = aud->if_array();
  if (!many) return jwt_error::bad_claim;
  bool found = false;
  for (const auto& item : *many) {
    const json::string* s = item.if_string();
    if (!s) return jwt_error::bad_claim;
    found = found || view(*s) == p.audience;
  }
  return found ? std::nullopt : std::optional(jwt_error::wrong_audience);
}

// exp, nbf and iat, each with the provider's skew allowance.
std::optional<jwt_error> check_times(const json::object& claims, const provider_settings& p,
                                     micros now, micros& exp_out) {
  const micros skew = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::clamp(p.skew, std::chrono::seconds(0), max_skew))
                          .count();
  const json::value* exp = claims.if_contains("exp");
  if (!exp) return jwt_error::missing_exp;
  auto exp_at = numeric_date(*exp);
  if (!exp_at) return jwt_error::bad_claim;
  if (now >= *exp_at + skew) return jwt_error::expired;
  if (const json::value* nbf = claims.if_contains("nbf")) {
    auto at = numeric_date(*nbf);
    if (!at) return jwt_error::bad_claim;
    if (now + skew < *at) return jwt_error::not_yet_valid;
  }
  if (const json::value* iat = claims.if_contains("iat")) {
    auto at = numeric_date(*iat);
    if (!at) return jwt_error::bad_claim;
    if (*at > now + skew) return jwt_error::issued_in_future;
  }
  exp_out = *exp_at;
  return std::nullopt;
}

// Absent: no groups. A string: one group. An array: all strings, or refused.
expected<std::vector<std::string>, jwt_error> groups_from(const json::object& claims,
                                                          const provider_settings& p) {
  std::vector<std::string> groups;
  const json::value* v = p.groups_claim.empty() ? nullptr : claims.if_contains(p.groups_claim);
  if (!v) return groups;
  if (const json::string* one = v->if_string()) {
    if (!usable_group(view(*one))) return unexpected(jwt_error::bad_claim);
    groups.emplace_back(view(*one));
    return groups;
  }
  const json::array* many = v->if_array();
  if (!many || many->size() > max_groups) return unexpected(jwt_error::bad_claim);
  for (const auto& item : *many) {
    const json::string* s = item.if_string();
    if (!s || !usable_group(view(*s))) return unexpected(jwt_error::bad_claim);
    groups.emplace_back(view(*s));
  }
  return groups;
}

}  // namespace

expected<principal, jwt_error> principal_from_claims(const json::object& claims,
                                                     const provider_settings& provider,
                                                     sys_time now) {
  if (auto e = check_issuer(claims, provider)) return unexpected(*e);
  if (auto e = check_audience(claims, provider)) return unexpected(*e);
  micros exp = 0;
  if (auto e = check_times(claims, provider, to_unix_micros(now), exp)) return unexpected(*e);

  // The configured claim or nothing: falling back to another claim would let
  // a token pick which of its claims names it.
  const json::value* name =
      provider.principal_claim.empty() ? nullptr : claims.if_contains(provider.principal_claim);
  const json::string* name_text = name ? name->if_string() : nullptr;
  if (!name_text || !usable_principal(view(*name_text))) return unexpected(jwt_error::no_principal);

  auto groups = groups_from(claims, provider);
  if (!groups) return unexpected(groups.error());
  return principal{std::string(view(*name_text)), std::move(*groups), "oidc:" + provider.issuer,
                   from_unix_micros(exp)};
}

}  // namespace gh::identity
