// OpenID Connect Discovery 1.0: the provider's metadata document at
// <issuer>/.well-known/openid-configuration. Gatehouse takes two members:
// "issuer", which must equal the configured issuer exactly (§4.3: a document
// naming another issuer must not be used), and "jwks_uri".
#pragma once

#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "identity/strict_json.hpp"

namespace gh::identity {

struct provider_metadata {
  std::string issuer;
  std::string jwks_uri;
};

inline constexpr json_limits discovery_json_limits{64 * 1024, 8};

enum class discovery_error {
  malformed,  // not a JSON object, or "issuer"/"jwks_uri" not strings
  too_large,
  issuer_mismatch,  // "issuer" is not the configured issuer, byte for byte
  bad_jwks_uri,     // missing, not an absolute https URL, or with user info
};
std::string_view describe(discovery_error e);

// Where to fetch the document (§4: a trailing '/' of the issuer is dropped).
std::string discovery_url(std::string_view issuer);

// `jwks_uri` must be https. Plain http is taken only when the configured
// issuer itself is http (a test provider on loopback): the operator chose it.
expected<provider_metadata, discovery_error> parse_discovery(std::string_view json_text,
                                                             std::string_view configured_issuer);

}  // namespace gh::identity
