// The compact serialization itself: size, segments, base64url, header JSON.
#include <set>

#include "identity/jws.hpp"
#include "jwt_fixture.hpp"

namespace gh::identity::testing {
namespace {

TEST_F(jwt_test, token_too_large_refused_before_decoding) {
  auto big = rs256(claims([](auto& c) { c["pad"] = std::string(8 * 1024, 'x'); }));
  ASSERT_GT(big.size(), max_token_size);
  EXPECT_EQ(refusal(big), jwt_error::too_large);
  EXPECT_EQ(refusal(std::string(max_token_size + 1, 'A')), jwt_error::too_large);
}

TEST_F(jwt_test, bad_base64_refused) {
  auto token = rs256(claims());
  auto first_dot = token.find('.');
  for (char bad : {'+', '/', '=', ' ', '!', '\0'}) {
    auto t = token;
    t.insert(first_dot + 3, 1, bad);
    EXPECT_EQ(refusal(t), jwt_error::malformed) << int(bad);
  }
  // Padding is not base64url as JWS uses it, even where it would be correct.
  EXPECT_EQ(refusal(signing_input(header("RS256"), "{}") + "=.AA"), jwt_error::malformed);
  // Non-canonical trailing bits: a 256-byte RSA signature leaves 4 unused
  // bits in its last character; setting one spells the same bytes again.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  auto t = token;
  t.back() = alphabet[alphabet.find(t.back()) | 1];
  EXPECT_EQ(refusal(t), jwt_error::malformed);
}

TEST_F(jwt_test, wrong_number_of_segments_refused) {
  auto token = rs256(claims());
  EXPECT_EQ(refusal(token + ".AA"), jwt_error::malformed);     // four parts
  EXPECT_EQ(refusal(token + ".AA.AA"), jwt_error::malformed);  // JWE-like, five parts
  EXPECT_EQ(refusal(token.substr(0, token.rfind('.'))), jwt_error::malformed);  // two parts
  EXPECT_EQ(refusal(token + "."), jwt_error::malformed);
  EXPECT_EQ(refusal(""), jwt_error::malformed);
  EXPECT_EQ(refusal(".."), jwt_error::malformed);
  EXPECT_EQ(refusal("." + token.substr(token.find('.') + 1)), jwt_error::malformed);
}

TEST_F(jwt_test, header_that_is_not_a_small_json_object_refused) {
  EXPECT_EQ(refusal(make_token("[\"RS256\"]", claims(), rsa_key(), "RS256")), jwt_error::malformed);
  EXPECT_EQ(refusal(make_token(R"({"alg":"RS256","alg":"none"})", claims(), rsa_key(), "RS256")),
            jwt_error::malformed);
  EXPECT_EQ(refusal(make_token(R"({"alg":"RS256","x":[[[[[1]]]]]})", claims(), rsa_key(), "RS256")),
            jwt_error::malformed);
}

TEST(jwt_describe, every_reason_has_its_own_operator_text) {
  std::set<std::string_view> seen;
  for (int i = 0; i <= static_cast<int>(jwt_error::no_principal); ++i) {
    auto text = describe(static_cast<jwt_error>(i));
    EXPECT_TRUE(text.starts_with("token refused: ")) << text;
    EXPECT_TRUE(seen.insert(text).second) << "shared by two reasons: " << text;
  }
}

TEST(jws_alg, only_four_names) {
  EXPECT_EQ(parse_jws_alg("RS256"), jws_alg::rs256);
  EXPECT_EQ(parse_jws_alg("PS256"), jws_alg::ps256);
  EXPECT_EQ(parse_jws_alg("ES256"), jws_alg::es256);
  EXPECT_EQ(parse_jws_alg("EdDSA"), jws_alg::eddsa);
  for (const char* other : {"none", "HS256", "rs256", "RS256 ", "EDDSA", ""})
    EXPECT_FALSE(parse_jws_alg(other)) << other;
}

}  // namespace
}  // namespace gh::identity::testing
