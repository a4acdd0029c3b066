// Test-only signing: keys generated with OpenSSL in the test process, the
// JWK (public half) for each, and compact JWS assembly. Nothing leaves the
// process; no fixture key is committed.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace gh::identity::testing {

enum class test_key_kind { rsa2048, rsa1024, ec_p256, ec_p384, ed25519 };

class test_key {
 public:
  explicit test_key(test_key_kind kind);
  test_key_kind kind() const { return kind_; }

  // The public JWK members for kty/crv and key material, as a JSON object
  // text without kid/alg/use: `extra` is spliced in (`"kid":"a",`).
  std::string jwk(std::string_view extra = "") const;
  // The public key as PEM (SubjectPublicKeyInfo).
  std::string public_pem() const;
  // Big-endian RSA modulus (for the HMAC key-confusion test).
  std::string rsa_modulus() const;

  // Signature over `input` for alg RS256, PS256, ES256 (raw r||s) or EdDSA.
  std::string sign(std::string_view alg, std::string_view input) const;
  // ES256 as DER, the form JWS does not use.
  std::string sign_es256_der(std::string_view input) const;

 private:
  test_key_kind kind_;
  std::shared_ptr<evp_pkey_st> key_;
};

// BASE64URL(header) "." BASE64URL(payload): what gets signed.
std::string signing_input(std::string_view header_json, std::string_view payload_json);
// The full token signed by `key` with `alg`.
std::string make_token(std::string_view header_json, std::string_view payload_json,
                       const test_key& key, std::string_view alg);
// A token whose signature is HMAC-SHA256 with `secret`.
std::string make_hs256_token(std::string_view header_json, std::string_view payload_json,
                             std::string_view secret);

// Shared keys, generated once per test binary (RSA generation is slow).
const test_key& rsa_key();
const test_key& rsa_key_2();  // "another provider"
const test_key& ec_key();
const test_key& ed_key();

}  // namespace gh::identity::testing
