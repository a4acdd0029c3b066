// Every forged, stale or misdirected token, each refused with its own reason.
#include "common/encoding.hpp"
#include "error_of.hpp"
#include "jwt_fixture.hpp"

namespace gh::identity::testing {
namespace {

std::vector<std::string> parts(const std::string& token) {
  std::vector<std::string> out(1);
  for (char c : token) {
    if (c == '.')
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

std::string join(const std::vector<std::string>& p) {
  std::string out;
  for (std::size_t i = 0; i < p.size(); ++i) out += (i ? "." : "") + p[i];
  return out;
}

// --- the algorithm -----------------------------------------------------------

TEST_F(jwt_test, alg_none_refused) {
  const std::string input = signing_input(R"({"alg":"none","typ":"JWT"})", claims());
  EXPECT_EQ(refusal(input + "."), jwt_error::alg_refused);
  // With a kid of ours and a stolen signature tacked on: still refused.
  auto valid = parts(rs256(claims()));
  auto forged = parts(signing_input(R"({"alg":"none","kid":"rsa-1"})", claims()) + ".x");
  forged[2] = valid[2];
  EXPECT_EQ(refusal(join(forged)), jwt_error::alg_refused);
  for (const char* alg : {"None", "NONE", "nOnE"})
    EXPECT_EQ(refusal(signing_input(header(alg), claims()) + "."), jwt_error::alg_refused) << alg;
}

TEST_F(jwt_test, hs256_with_the_rsa_public_key_pem_as_secret_refused) {
  const std::string pem = rsa_key().public_pem();
  EXPECT_EQ(refusal(make_hs256_token(header("HS256", "rsa-1"), claims(), pem)),
            jwt_error::alg_refused);
  EXPECT_EQ(refusal(make_hs256_token(header("HS256"), claims(), pem)), jwt_error::alg_refused);
}

TEST_F(jwt_test, hs256_with_the_jwk_modulus_bytes_as_secret_refused) {
  const std::string n = rsa_key().rsa_modulus();
  EXPECT_EQ(refusal(make_hs256_token(header("HS256", "rsa-1"), claims(), n)),
            jwt_error::alg_refused);
  EXPECT_EQ(refusal(make_hs256_token(header("HS256", "rsa-1"), claims(), base64url_encode(n))),
            jwt_error::alg_refused);
}

TEST_F(jwt_test, other_algorithms_refused) {
  for (const char* alg :
       {"HS384", "HS512", "RS384", "RS512", "ES384", "PS512", "ES256K", "Ed25519", ""})
    EXPECT_EQ(refusal(make_token(header(alg, "rsa-1"), claims(), rsa_key(), "RS256")),
              jwt_error::alg_refused)
        << alg;
  EXPECT_EQ(refusal(signing_input(R"({"alg":7})", claims()) + ".AA"), jwt_error::malformed);
  EXPECT_EQ(refusal(signing_input(R"({"kid":"rsa-1"})", claims()) + ".AA"), jwt_error::malformed);
}

TEST_F(jwt_test, kid_of_an_ec_key_with_alg_rs256_refused) {
  EXPECT_EQ(refusal(make_token(header("RS256", "ec-1"), claims(), rsa_key(), "RS256")),
            jwt_error::alg_refused);
}

TEST_F(jwt_test, key_alg_pins_the_algorithm) {
  auto pinned = parse_jwks(R"({"keys":[)" + rsa_key().jwk(R"("kid":"r","alg":"PS256",)") + "]}");
  ASSERT_TRUE(pinned);
  auto rs = make_token(header("RS256", "r"), claims(), rsa_key(), "RS256");
  auto ps = make_token(header("PS256", "r"), claims(), rsa_key(), "PS256");
  EXPECT_EQ(error_of(verify(rs, provider_, *pinned, test_now)), jwt_error::alg_refused);
  EXPECT_TRUE(verify(ps, provider_, *pinned, test_now));
}

TEST_F(jwt_test, signature_of_one_rsa_scheme_under_the_other_name_refused) {
  auto pss_signed = parts(make_token(header("PS256", "rsa-1"), claims(), rsa_key(), "PS256"));
  auto as_rs256 = parts(rs256(claims()));
  as_rs256[2] = pss_signed[2];
  EXPECT_EQ(refusal(join(as_rs256)), jwt_error::bad_signature);
}

TEST_F(jwt_test, es256_signature_in_der_form_refused) {
  const std::string input = signing_input(header("ES256", "ec-1"), claims());
  EXPECT_EQ(refusal(input + "." + base64url_encode(ec_key().sign_es256_der(input))),
            jwt_error::bad_signature);
}

TEST_F(jwt_test, crit_header_refused) {
  const std::string h = R"({"alg":"RS256","kid":"rsa-1","crit":["exp"],"exp":1})";
  EXPECT_EQ(refusal(make_token(h, claims(), rsa_key(), "RS256")), jwt_error::crit_refused);
  const std::string b64 = R"({"alg":"RS256","kid":"rsa-1","crit":["b64"],"b64":false})";
  EXPECT_EQ(refusal(make_token(b64, claims(), rsa_key(), "RS256")), jwt_error::crit_refused);
  EXPECT_EQ(refusal(make_token(R"({"alg":"RS256","crit":[]})", claims(), rsa_key(), "RS256")),
            jwt_error::crit_refused);
}

// --- keys the token brings along ---------------------------------------------

TEST_F(jwt_test, jku_x5u_jwk_x5c_headers_ignored_with_our_key) {
  boost::json::object h{{"alg", "RS256"},
                        {"kid", "rsa-1"},
                        {"jku", "https://attacker.example/jwks.json"},
                        {"x5u", "https://attacker.example/cert.pem"},
                        {"x5c", boost::json::array{"MIIB"}},
                        {"jwk", boost::json::parse(rsa_key_2().jwk())}};
  auto who = check(make_token(boost::json::serialize(h), claims(), rsa_key(), "RS256"));
  ASSERT_TRUE(who) << describe(who.error());  // verified by our key; the rest unread
}

TEST_F(jwt_test, token_signed_by_its_own_embedded_jwk_refused) {
  const auto& attacker = rsa_key_2();
  auto with = [&](std::string_view kid) {
    boost::json::object h{{"alg", "RS256"},
                          {"jwk", boost::json::parse(attacker.jwk())},
                          {"jku", "https://attacker.example/jwks.json"}};
    if (!kid.empty()) h["kid"] = kid;
    return make_token(boost::json::serialize(h), claims(), attacker, "RS256");
  };
  EXPECT_EQ(refusal(with("rsa-1")), jwt_error::bad_signature);   // our kid, their key
  EXPECT_EQ(refusal(with("")), jwt_error::bad_signature);        // our only RSA key
  EXPECT_EQ(refusal(with("attacker")), jwt_error::unknown_key);  // never fetched
}

TEST_F(jwt_test, unknown_kid_refused_as_unknown_key) {
  EXPECT_EQ(refusal(rs256(claims(), "rotated-2")), jwt_error::unknown_key);
  EXPECT_EQ(refusal(signing_input(R"({"alg":"RS256","kid":5})", claims()) + ".AA"),
            jwt_error::malformed);
}

TEST_F(jwt_test, no_kid_with_two_candidate_keys_refused_as_unknown_key) {
  auto two = parse_jwks(R"({"keys":[)" + rsa_key().jwk(R"("kid":"a",)") + "," +
                        rsa_key_2().jwk(R"("kid":"b",)") + "]}");
  ASSERT_TRUE(two);
  auto token = make_token(header("RS256"), claims(), rsa_key(), "RS256");
  EXPECT_EQ(error_of(verify(token, provider_, *two, test_now)), jwt_error::unknown_key);
}

// --- tampering -----------------------------------------------------------------

TEST_F(jwt_test, tampered_payload_refused) {
  auto p = parts(rs256(claims()));
  p[1] = base64url_encode(claims([](auto& c) { c["sub"] = "dba-alice"; }));
  EXPECT_EQ(refusal(join(p)), jwt_error::bad_signature);
}

TEST_F(jwt_test, tampered_header_refused) {
  auto p = parts(rs256(claims()));
  p[0] = base64url_encode(R"({"alg":"RS256","kid":"rsa-1","typ":"at+jwt"})");
  EXPECT_EQ(refusal(join(p)), jwt_error::bad_signature);
}

TEST_F(jwt_test, tampered_signature_refused) {
  for (auto* t : {&rsa_key(), &ec_key(), &ed_key()}) {
    const char* alg = t == &rsa_key() ? "RS256" : t == &ec_key() ? "ES256" : "EdDSA";
    const char* kid = t == &rsa_key() ? "rsa-1" : t == &ec_key() ? "ec-1" : "ed-1";
    auto p = parts(make_token(header(alg, kid), claims(), *t, alg));
    auto sig = *base64url_decode(p[2]);
    sig[sig.size() / 2] ^= 0x01;
    p[2] = base64url_encode(sig);
    EXPECT_EQ(refusal(join(p)), jwt_error::bad_signature) << alg;
    p[2] = base64url_encode(sig.substr(1));  // wrong length
    EXPECT_EQ(refusal(join(p)), jwt_error::bad_signature) << alg;
  }
}

TEST_F(jwt_test, token_from_another_provider_refused) {
  // Signed by another provider's key under a kid we hold: bad signature.
  EXPECT_EQ(refusal(make_token(header("RS256", "rsa-1"), claims(), rsa_key_2(), "RS256")),
            jwt_error::bad_signature);
  // Signed by our key but naming another issuer.
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["iss"] = "https://evil.example"; }))),
            jwt_error::wrong_issuer);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c["iss"] = "https://idp.example/"; }))),
            jwt_error::wrong_issuer);
  EXPECT_EQ(refusal(rs256(claims([](auto& c) { c.erase("iss"); }))), jwt_error::wrong_issuer);
}

}  // namespace
}  // namespace gh::identity::testing
