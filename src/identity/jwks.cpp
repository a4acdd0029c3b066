#include "identity/jwks.hpp"

#include <algorithm>

#include <boost/json/array.hpp>

namespace gh::identity {
namespace {

namespace json = boost::json;

using member_result = expected<std::optional<std::string_view>, key_refusal>;

// An optional string member: absent is fine, another JSON type is not.
member_result optional_string(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v) return std::optional<std::string_view>();
  const json::string* s = v->if_string();
  if (!s) return unexpected(key_refusal("a member has the wrong JSON type"));
  return std::optional<std::string_view>(std::string_view(s->data(), s->size()));
}

expected<std::string, key_refusal> required_bytes(const json::object& o, std::string_view name) {
  auto text = optional_string(o, name);
  if (!text || !*text) return unexpected(key_refusal("a required key member is missing"));
  auto bytes = jws_base64url_decode(**text);
  if (!bytes || bytes->empty()) return unexpected(key_refusal("a key member is not base64url"));
  return std::move(*bytes);
}

// RFC 7517 §4.2/§4.3: only keys meant for verifying signatures.
expected<void, key_refusal> check_purpose(const json::object& o) {
  auto use = optional_string(o, "use");
  if (!use) return unexpected(use.error());
  if (*use && **use != "sig") return unexpected(key_refusal("key \"use\" is not \"sig\""));
  if (const json::value* ops = o.if_contains("key_ops")) {
    const json::array* list = ops->if_array();
    if (!list || std::find(list->begin(), list->end(), json::value("verify")) == list->end())
      return unexpected(key_refusal("key_ops does not include \"verify\""));
  }
  return {};
}

struct typed_key {
  key_type type;
  public_key key;
};

expected<typed_key, key_refusal> build_key(const json::object& o) {
  auto kty = optional_string(o, "kty");
  auto crv = optional_string(o, "crv");
  if (!kty || !crv) return unexpected(key_refusal("a member has the wrong JSON type"));
  if (*kty == "RSA") {
    auto n = required_bytes(o, "n");
    auto e = required_bytes(o, "e");
    if (!n) return unexpected(n.error());
    if (!e) return unexpected(e.error());
    auto key = make_rsa_public_key(*n, *e);
    if (!key) return unexpected(key.error());
    return typed_key{key_type::rsa, std::move(*key)};
  }
  if (*kty == "EC") {
    if (*crv != "P-256") return unexpected(key_refusal("EC curve not supported (P-256 only)"));
    auto x = required_bytes(o, "x");
    auto y = required_bytes(o, "y");
    if (!x) return unexpected(x.error());
    if (!y) return unexpected(y.error());
    auto key = make_ec_p256_public_key(*x, *y);
    if (!key) return unexpected(key.error());
    return typed_key{key_type::ec_p256, std::move(*key)};
  }
  if (*kty == "OKP") {
    if (*crv != "Ed25519") return unexpected(key_refusal("OKP curve not supported (Ed25519 only)"));
    auto x = required_bytes(o, "x");
    if (!x) return unexpected(x.error());
    auto key = make_ed25519_public_key(*x);
    if (!key) return unexpected(key.error());
    return typed_key{key_type::ed25519, std::move(*key)};
  }
  return unexpected(key_refusal("key type not supported (RSA, EC, OKP only)"));
}

expected<jwk, key_refusal> parse_key(const json::object& o) {
  auto kid = optional_string(o, "kid");
  auto alg_name = optional_string(o, "alg");
  if (!kid || !alg_name) return unexpected(key_refusal("a member has the wrong JSON type"));
  if (auto purpose = check_purpose(o); !purpose) return unexpected(purpose.error());
  std::optional<jws_alg> alg;
  if (*alg_name) {
    alg = parse_jws_alg(**alg_name);
    if (!alg) return unexpected(key_refusal("key \"alg\" not supported"));
  }
  auto built = build_key(o);
  if (!built) return unexpected(built.error());
  if (alg && !key_supports(built->type, *alg))
    return unexpected(key_refusal("key \"alg\" does not fit its key type"));
  std::optional<std::string> kid_copy;
  if (*kid) kid_copy.emplace(**kid);
  return jwk{std::move(kid_copy), built->type, alg, std::move(built->key)};
}

std::optional<std::string> kid_of(const json::value& v) {
  const json::object* o = v.if_object();
  const json::value* kid = o ? o->if_contains("kid") : nullptr;
  if (!kid || !kid->is_string()) return std::nullopt;
  return std::string(kid->get_string());
}

}  // namespace

std::string_view describe(jwks_error e) {
  switch (e) {
    case jwks_error::malformed:
      return "the JWKS document is not a JSON object with a \"keys\" array";
    case jwks_error::too_large:
      return "the JWKS document exceeds the size, depth or key-count limit";
  }
  return "unknown JWKS error";
}

expected<jwks, jwks_error> parse_jwks(std::string_view json_text) {
  if (json_text.size() > jwks_json_limits.max_size) return unexpected(jwks_error::too_large);
  auto doc = parse_strict_json_object(json_text, jwks_json_limits);
  if (!doc) return unexpected(jwks_error::malformed);
  const json::value* keys = doc->if_contains("keys");
  if (!keys || !keys->is_array()) return unexpected(jwks_error::malformed);
  const json::array& list = keys->get_array();
  if (list.size() > max_jwks_keys) return unexpected(jwks_error::too_large);

  std::vector<jwk> usable;
  std::vector<skipped_jwk> skipped;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::object* o = list[i].if_object();
    if (!o) {
      skipped.push_back({i, std::nullopt, "not a JSON object"});
      continue;
    }
    auto key = parse_key(*o);
    if (key)
      usable.push_back(std::move(*key));
    else
      skipped.push_back({i, kid_of(list[i]), key.error()});
  }
  return jwks(std::move(usable), std::move(skipped));
}

expected<const jwk*, key_lookup_error> jwks::find(const std::optional<std::string_view>& kid,
                                                  jws_alg alg) const {
  if (kid) {
    bool named = false;
    for (const auto& k : keys_) {
      if (!k.kid || *k.kid != *kid) continue;
      named = true;
      if (k.allows(alg)) return &k;
    }
    return unexpected(named ? key_lookup_error::alg_refused : key_lookup_error::unknown_key);
  }
  const jwk* only = nullptr;
  for (const auto& k : keys_) {
    if (!k.allows(alg)) continue;
    if (only) return unexpected(key_lookup_error::unknown_key);  // ambiguous without a kid
    only = &k;
  }
  if (!only) return unexpected(key_lookup_error::unknown_key);
  return only;
}

}  // namespace gh::identity
