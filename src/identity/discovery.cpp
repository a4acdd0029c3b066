#include "identity/discovery.hpp"

#include <boost/url/parse.hpp>

namespace gh::identity {
namespace {

namespace json = boost::json;

bool acceptable_jwks_uri(std::string_view uri, std::string_view configured_issuer) {
  auto parsed = boost::urls::parse_absolute_uri(boost::core::string_view(uri.data(), uri.size()));
  if (!parsed) return false;
  const auto& u = *parsed;
  const bool https = u.scheme_id() == boost::urls::scheme::https;
  const bool http_allowed =
      configured_issuer.substr(0, 7) == "http://" && u.scheme_id() == boost::urls::scheme::http;
  return (https || http_allowed) && u.has_authority() && !u.encoded_host().empty() &&
         !u.has_userinfo() && !u.has_fragment();
}

}  // namespace

std::string_view describe(discovery_error e) {
  switch (e) {
    case discovery_error::malformed:
      return "discovery document is not a JSON object with string issuer and jwks_uri";
    case discovery_error::too_large:
      return "discovery document exceeds the size or depth limit";
    case discovery_error::issuer_mismatch:
      return "discovery document names another issuer than the configured one";
    case discovery_error::bad_jwks_uri:
      return "discovery document's jwks_uri is missing or not an absolute https URL";
  }
  return "unknown discovery error";
}

std::string discovery_url(std::string_view issuer) {
  if (!issuer.empty() && issuer.back() == '/') issuer.remove_suffix(1);
  return std::string(issuer) + "/.well-known/openid-configuration";
}

expected<provider_metadata, discovery_error> parse_discovery(std::string_view json_text,
                                                             std::string_view configured_issuer) {
  if (json_text.size() > discovery_json_limits.max_size)
    return unexpected(discovery_error::too_large);
  auto doc = parse_strict_json_object(json_text, discovery_json_limits);
  if (!doc) return unexpected(discovery_error::malformed);
  const json::value* issuer = doc->if_contains("issuer");
  const json::value* jwks_uri = doc->if_contains("jwks_uri");
  if (!issuer || !issuer->is_string()) return unexpected(discovery_error::malformed);
  if (jwks_uri && !jwks_uri->is_string()) return unexpected(discovery_error::malformed);
  const json::string& iss = issuer->get_string();
  if (configured_issuer.empty() || std::string_view(iss.data(), iss.size()) != configured_issuer)
    return unexpected(discovery_error::issuer_mismatch);
  if (!jwks_uri) return unexpected(discovery_error::bad_jwks_uri);
  const json::string& uri = jwks_uri->get_string();
  std::string_view uri_view(uri.data(), uri.size());
  if (!acceptable_jwks_uri(uri_view, configured_issuer))
    return unexpected(discovery_error::bad_jwks_uri);
  return provider_metadata{std::string(iss), std::string(uri_view)};
}

}  // namespace gh::identity
