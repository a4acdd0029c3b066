// The provider's key set: usable keys kept, the rest skipped with a reason.
#include <gtest/gtest.h>

#include "error_of.hpp"

#include "common/encoding.hpp"
#include "identity/jwks.hpp"
#include "test_keys.hpp"

namespace gh::identity::testing {
namespace {

std::string set_of(std::initializer_list<std::string> keys) {
  std::string out = R"({"keys":[)";
  bool first = true;
  for (const auto& k : keys) {
    out += (first ? "" : ",") + k;
    first = false;
  }
  return out + "]}";
}

TEST(jwks, each_supported_key_type_is_usable) {
  auto set = parse_jwks(set_of({rsa_key().jwk(R"("kid":"r",)"), ec_key().jwk(R"("kid":"e",)"),
                                ed_key().jwk(R"("kid":"o","use":"sig",)")}));
  ASSERT_TRUE(set);
  ASSERT_EQ(set->keys().size(), 3u);
  EXPECT_TRUE(set->skipped().empty());
  EXPECT_EQ(set->keys()[0].type, key_type::rsa);
  EXPECT_EQ(set->keys()[1].type, key_type::ec_p256);
  EXPECT_EQ(set->keys()[2].type, key_type::ed25519);
  EXPECT_EQ(set->keys()[2].kid, "o");
}

TEST(jwks, unusable_keys_are_skipped_not_fatal) {
  static const test_key small(test_key_kind::rsa1024);
  static const test_key p384(test_key_kind::ec_p384);
  auto set = parse_jwks(set_of({
      small.jwk(R"("kid":"rsa-1024",)"),
      p384.jwk(R"("kid":"p384",)"),
      rsa_key().jwk(R"("kid":"enc","use":"enc",)"),
      R"({"kid":"hmac","kty":"oct","k":"c2VjcmV0"})",
      ec_key().jwk(R"("kid":"ec-as-rsa","alg":"RS256",)"),
      rsa_key().jwk(R"("kid":"rs384","alg":"RS384",)"),
      rsa_key().jwk(R"("kid":"wrap","key_ops":["wrapKey"],)"),
      R"("just a string")",
      R"({"kid":"no-n","kty":"RSA","e":"AQAB"})",
      R"({"kid":7,"kty":"RSA"})",
      rsa_key().jwk(R"("kid":"good",)"),
  }));
  ASSERT_TRUE(set);
  ASSERT_EQ(set->keys().size(), 1u);
  EXPECT_EQ(set->keys()[0].kid, "good");
  ASSERT_EQ(set->skipped().size(), 10u);
  EXPECT_EQ(set->skipped()[0].kid, "rsa-1024");
  EXPECT_EQ(set->skipped()[0].reason, "RSA key shorter than 2048 bits");
  EXPECT_EQ(set->skipped()[1].reason, "EC curve not supported (P-256 only)");
  EXPECT_EQ(set->skipped()[2].reason, "key \"use\" is not \"sig\"");
  EXPECT_EQ(set->skipped()[3].reason, "key type not supported (RSA, EC, OKP only)");
  EXPECT_EQ(set->skipped()[4].reason, "key \"alg\" does not fit its key type");
  EXPECT_EQ(set->skipped()[5].reason, "key \"alg\" not supported");
  EXPECT_EQ(set->skipped()[6].reason, "key_ops does not include \"verify\"");
  EXPECT_EQ(set->skipped()[7].index, 7u);
  EXPECT_FALSE(set->skipped()[9].kid);  // a kid that is not a string is not reported as one
}

TEST(jwks, ec_point_off_the_curve_skipped) {
  std::string x = std::string(31, '\0') + "\x01";
  std::string y = std::string(31, '\0') + "\x01";
  auto set = parse_jwks(set_of({R"({"kid":"bad","kty":"EC","crv":"P-256","x":")" +
                                base64url_encode(x) + R"(","y":")" + base64url_encode(y) + "\"}"}));
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->keys().empty());
  ASSERT_EQ(set->skipped().size(), 1u);
  EXPECT_EQ(set->skipped()[0].reason, "EC point not on P-256");
}

TEST(jwks, rsa_exponent_must_be_sane) {
  auto with_e = [](std::string e) {
    return R"({"kty":"RSA","n":")" + base64url_encode(rsa_key().rsa_modulus()) + R"(","e":")" +
           base64url_encode(e) + "\"}";
  };
  auto set = parse_jwks(set_of({with_e("\x01"), with_e("\x02"), with_e(std::string(9, '\x01'))}));
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->keys().empty());
  EXPECT_EQ(set->skipped().size(), 3u);
}

TEST(jwks, empty_set_is_a_value_not_an_error) {
  auto set = parse_jwks(R"({"keys":[]})");
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->keys().empty());
}

TEST(jwks, documents_that_are_not_key_sets_refused) {
  EXPECT_EQ(error_of(parse_jwks("")), jwks_error::malformed);
  EXPECT_EQ(error_of(parse_jwks("[]")), jwks_error::malformed);
  EXPECT_EQ(error_of(parse_jwks(R"({"keys":{}})")), jwks_error::malformed);
  EXPECT_EQ(error_of(parse_jwks(R"({"keys":[],"keys":[]})")), jwks_error::malformed);
  EXPECT_EQ(error_of(parse_jwks(R"({"keys":[]} trailing)")), jwks_error::malformed);
}

TEST(jwks, limits) {
  std::string many = R"({"keys":[)";
  for (std::size_t i = 0; i <= max_jwks_keys; ++i) many += (i ? ",{}" : "{}");
  EXPECT_EQ(error_of(parse_jwks(many + "]}")), jwks_error::too_large);
  EXPECT_EQ(error_of(parse_jwks(std::string(jwks_json_limits.max_size + 1, ' '))),
            jwks_error::too_large);
}

TEST(jwks, find_by_kid_and_alg) {
  auto set = parse_jwks(set_of({rsa_key().jwk(R"("kid":"r",)"), ec_key().jwk(R"("kid":"e",)"),
                                rsa_key_2().jwk(R"("kid":"r2","alg":"PS256",)")}));
  ASSERT_TRUE(set);
  auto kid_found = [&](std::optional<std::string_view> kid, jws_alg alg) {
    auto k = set->find(kid, alg);
    return k ? (*k)->kid : std::optional<std::string>("<none>");
  };
  EXPECT_EQ(kid_found("r", jws_alg::rs256), "r");
  EXPECT_EQ(kid_found("r2", jws_alg::ps256), "r2");
  EXPECT_EQ(error_of(set->find(std::string_view("r2"), jws_alg::rs256)),
            key_lookup_error::alg_refused);
  EXPECT_EQ(error_of(set->find(std::string_view("e"), jws_alg::rs256)),
            key_lookup_error::alg_refused);
  EXPECT_EQ(error_of(set->find(std::string_view("zz"), jws_alg::rs256)),
            key_lookup_error::unknown_key);
  // Without a kid: RS256 has one candidate (r2 is pinned to PS256), PS256 two.
  EXPECT_EQ(kid_found(std::nullopt, jws_alg::rs256), "r");
  EXPECT_EQ(error_of(set->find(std::nullopt, jws_alg::ps256)), key_lookup_error::unknown_key);
  EXPECT_EQ(error_of(set->find(std::nullopt, jws_alg::eddsa)), key_lookup_error::unknown_key);
  // A key without kid never matches a token's kid, not even "".
  auto anonymous = parse_jwks(set_of({rsa_key().jwk()}));
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(error_of(anonymous->find(std::string_view(""), jws_alg::rs256)),
            key_lookup_error::unknown_key);
}

}  // namespace
}  // namespace gh::identity::testing
