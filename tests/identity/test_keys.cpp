#include "test_keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdexcept>

#include "common/crypto.hpp"
#include "common/encoding.hpp"

namespace gh::identity::testing {
namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("openssl: ") + what);
}

std::string bn_bytes(EVP_PKEY* key, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  check(EVP_PKEY_get_bn_param(key, name, &bn) == 1, name);
  int size = pad ? pad : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(size), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size);
  BN_free(bn);
  return out;
}

EVP_PKEY* generate(test_key_kind kind) {
  switch (kind) {
    case test_key_kind::rsa2048:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
    case test_key_kind::rsa1024:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024});
    case test_key_kind::ec_p256:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    case test_key_kind::ec_p384:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
    case test_key_kind::ed25519:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  return nullptr;
}

std::string b64(std::string_view s) { return base64url_encode(s); }

// DER ECDSA-Sig-Value → r||s, each padded to `half` bytes.
std::string der_to_raw(const std::string& der, int half) {
  auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  check(sig != nullptr, "d2i_ECDSA_SIG");
  std::string out(static_cast<std::size_t>(2 * half), '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), o, half);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), o + half, half);
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace

test_key::test_key(test_key_kind kind) : kind_(kind), key_(generate(kind), EVP_PKEY_free) {
  check(key_ != nullptr, "keygen");
}

std::string test_key::jwk(std::string_view extra) const {
  std::string head = "{" + std::string(extra);
  switch (kind_) {
    case test_key_kind::rsa2048:
    case test_key_kind::rsa1024:
      return head + R"("kty":"RSA","n":")" + b64(bn_bytes(key_.get(), OSSL_PKEY_PARAM_RSA_N)) +
             R"(","e":")" + b64(bn_bytes(key_.get(), OSSL_PKEY_PARAM_RSA_E)) + "\"}";
    case test_key_kind::ec_p256:
    case test_key_kind::ec_p384: {
      const int size = kind_ == test_key_kind::ec_p256 ? 32 : 48;
      const char* crv = kind_ == test_key_kind::ec_p256 ? "P-256" : "P-384";
      return head + R"("kty":"EC","crv":")" + crv + R"(","x":")" +
             b64(bn_bytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, size)) + R"(","y":")" +
             b64(bn_bytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size)) + "\"}";
    }
    case test_key_kind::ed25519: {
      unsigned char raw[32];
      size_t len = sizeof raw;
      check(EVP_PKEY_get_raw_public_key(key_.get(), raw, &len) == 1, "raw public key");
      return head + R"("kty":"OKP","crv":"Ed25519","x":")" +
             b64(std::string_view(reinterpret_cast<char*>(raw), len)) + "\"}";
    }
  }
  return "{}";
}

std::string test_key::public_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_PUBKEY(bio, key_.get()) == 1, "PEM_write_bio_PUBKEY");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

std::string test_key::rsa_modulus() const { return bn_bytes(key_.get(), OSSL_PKEY_PARAM_RSA_N); }

std::string test_key::sign(std::string_view alg, std::string_view input) const {
  if (alg == "ES256") return der_to_raw(sign_es256_der(input), 32);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = alg == "EdDSA" ? nullptr : EVP_sha256();
  check(EVP_DigestSignInit(ctx, &pctx, md, nullptr, key_.get()) == 1, "DigestSignInit");
  if (alg == "PS256") {
    check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1, "pss");
    check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1, "saltlen");
  }
  size_t len = 0;
  auto* in = reinterpret_cast<const unsigned char*>(input.data());
  check(EVP_DigestSign(ctx, nullptr, &len, in, input.size()) == 1, "DigestSign size");
  std::string out(len, '\0');
  check(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, in, input.size()) ==
            1,
        "DigestSign");
  out.resize(len);
  EVP_MD_CTX_free(ctx);
  return out;
}

std::string test_key::sign_es256_der(std::string_view input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  check(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) == 1, "init");
  size_t len = 0;
  auto* in = reinterpret_cast<const unsigned char*>(input.data());
  check(EVP_DigestSign(ctx, nullptr, &len, in, input.size()) == 1, "size");
  std::string out(len, '\0');
  check(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, in, input.size()) ==
            1,
        "sign");
  out.resize(len);
  EVP_MD_CTX_free(ctx);
  return out;
}

std::string signing_input(std::string_view header_json, std::string_view payload_json) {
  return b64(header_json) + "." + b64(payload_json);
}

std::string make_token(std::string_view header_json, std::string_view payload_json,
                       const test_key& key, std::string_view alg) {
  std::string input = signing_input(header_json, payload_json);
  return input + "." + b64(key.sign(alg, input));
}

std::string make_hs256_token(std::string_view header_json, std::string_view payload_json,
                             std::string_view secret) {
  std::string input = signing_input(header_json, payload_json);
  return input + "." + b64(hmac_sha256(secret, input));
}

const test_key& rsa_key() {
  static const test_key k(test_key_kind::rsa2048);
  return k;
}
const test_key& rsa_key_2() {
  static const test_key k(test_key_kind::rsa2048);
  return k;
}
const test_key& ec_key() {
  static const test_key k(test_key_kind::ec_p256);
  return k;
}
const test_key& ed_key() {
  static const test_key k(test_key_kind::ed25519);
  return k;
}

}  // namespace gh::identity::testing
