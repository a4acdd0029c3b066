#include "identity/jws.hpp"

#include "common/encoding.hpp"

namespace gh::identity {

std::optional<jws_alg> parse_jws_alg(std::string_view name) noexcept {
  if (name == "RS256") return jws_alg::rs256;
  if (name == "PS256") return jws_alg::ps256;
  if (name == "ES256") return jws_alg::es256;
  if (name == "EdDSA") return jws_alg::eddsa;
  return std::nullopt;
}

std::string_view to_string(jws_alg alg) noexcept {
  switch (alg) {
    case jws_alg::rs256:
      return "RS256";
    case jws_alg::ps256:
      return "PS256";
    case jws_alg::es256:
      return "ES256";
    case jws_alg::eddsa:
      return "EdDSA";
  }
  return "?";
}

std::optional<std::string> jws_base64url_decode(std::string_view text) {
  // The shared decoder also takes '=' padding, which RFC 7515 §2 excludes.
  if (text.find('=') != std::string_view::npos) return std::nullopt;
  return base64url_decode(text);
}

expected<compact_jws, jws_error> split_compact_jws(std::string_view token) {
  if (token.size() > max_token_size) return unexpected(jws_error::too_large);
  const auto first = token.find('.');
  if (first == std::string_view::npos) return unexpected(jws_error::malformed);
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return unexpected(jws_error::malformed);

  const auto header_b64 = token.substr(0, first);
  const auto payload_b64 = token.substr(first + 1, second - first - 1);
  const auto signature_b64 = token.substr(second + 1);
  if (header_b64.empty() || payload_b64.empty()) return unexpected(jws_error::malformed);

  auto header_text = jws_base64url_decode(header_b64);
  auto payload = jws_base64url_decode(payload_b64);
  auto signature = jws_base64url_decode(signature_b64);
  if (!header_text || !payload || !signature) return unexpected(jws_error::malformed);

  auto header = parse_strict_json_object(*header_text, header_json_limits);
  if (!header) return unexpected(jws_error::malformed);
  return compact_jws{token.substr(0, second), std::move(*header), std::move(*payload),
                     std::move(*signature)};
}

}  // namespace gh::identity
