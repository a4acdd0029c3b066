#include "identity/public_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <string>

namespace gh::identity {
namespace {

template <class T, void (*Free)(T*)>
struct openssl_deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
using pkey_ctx_ptr =
    std::unique_ptr<EVP_PKEY_CTX, openssl_deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using bld_ptr =
    std::unique_ptr<OSSL_PARAM_BLD, openssl_deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, openssl_deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BIGNUM, BN_free>>;
using sig_ptr = std::unique_ptr<ECDSA_SIG, openssl_deleter<ECDSA_SIG, ECDSA_SIG_free>>;

// A failed OpenSSL call leaves entries on the thread's error queue; a later
// TLS call on the same thread would then misread SSL_get_error. Clear them
// whenever this file returns.
struct error_queue_guard {
  ~error_queue_guard() { ERR_clear_error(); }
};

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bn_ptr to_bignum(std::string_view big_endian) {
  return bn_ptr(BN_bin2bn(bytes(big_endian), static_cast<int>(big_endian.size()), nullptr));
}

public_key import(const char* algorithm, const OSSL_PARAM* params) {
  pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1)
    return nullptr;
  return public_key(raw, EVP_PKEY_free);
}

bool public_check(const public_key& key) {
  pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  return ctx && EVP_PKEY_public_check(ctx.get()) == 1;
}

// RFC 7518 §3.4: JWS carries r||s; OpenSSL verifies DER ECDSA-Sig-Value.
std::string ecdsa_raw_to_der(std::string_view raw) {
  if (raw.size() != 64) return {};
  sig_ptr sig(ECDSA_SIG_new());
  bn_ptr r = to_bignum(raw.substr(0, 32));
  bn_ptr s = to_bignum(raw.substr(32));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return {};
  r.release();  // owned by sig since ECDSA_SIG_set0 succeeded
  s.release();
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return {};
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != size) return {};
  return der;
}

bool key_is(const public_key& key, jws_alg alg) {
  switch (alg) {
    case jws_alg::rs256:
    case jws_alg::ps256:
      return EVP_PKEY_is_a(key.get(), "RSA") == 1;
    case jws_alg::es256:
      return EVP_PKEY_is_a(key.get(), "EC") == 1;
    case jws_alg::eddsa:
      return EVP_PKEY_is_a(key.get(), "ED25519") == 1;
  }
  return false;
}

}  // namespace

bool key_supports(key_type type, jws_alg alg) noexcept {
  switch (type) {
    case key_type::rsa:
      return alg == jws_alg::rs256 || alg == jws_alg::ps256;
    case key_type::ec_p256:
      return alg == jws_alg::es256;
    case key_type::ed25519:
      return alg == jws_alg::eddsa;
  }
  return false;
}

expected<public_key, key_refusal> make_rsa_public_key(std::string_view n, std::string_view e) {
  error_queue_guard guard;
  // e: odd, at least 3, at most 64 bits (a huge exponent would make every
  // verification expensive; real keys use 65537).
  if (e.empty() || e.size() > 8 || (static_cast<unsigned char>(e.back()) & 1) == 0)
    return unexpected(key_refusal("RSA exponent unusable"));
  if (n.size() > max_rsa_bits / 8 + 1) return unexpected(key_refusal("RSA key too long"));
  bn_ptr bn_n = to_bignum(n), bn_e = to_bignum(e);
  if (!bn_n || !bn_e || BN_is_one(bn_e.get())) return unexpected(key_refusal("RSA key unusable"));
  bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    return unexpected(key_refusal("RSA key unusable"));
  params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
  public_key key = params ? import("RSA", params.get()) : nullptr;
  if (!key) return unexpected(key_refusal("RSA key unusable"));
  const int bits = EVP_PKEY_get_bits(key.get());
  if (bits < min_rsa_bits) return unexpected(key_refusal("RSA key shorter than 2048 bits"));
  if (bits > max_rsa_bits) return unexpected(key_refusal("RSA key too long"));
  return key;
}

expected<public_key, key_refusal> make_ec_p256_public_key(std::string_view x, std::string_view y) {
  error_queue_guard guard;
  if (x.size() != 32 || y.size() != 32)
    return unexpected(key_refusal("EC P-256 coordinates must be 32 bytes each"));
  std::string point = "\x04";  // uncompressed form (SEC 1 §2.3.3)
  point.append(x).append(y);
  char group[] = "P-256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  public_key key = import("EC", params);
  if (!key || !public_check(key)) return unexpected(key_refusal("EC point not on P-256"));
  return key;
}

expected<public_key, key_refusal> make_ed25519_public_key(std::string_view x) {
  error_queue_guard guard;
  if (x.size() != 32) return unexpected(key_refusal("Ed25519 key must be 32 bytes"));
  std::string copy(x);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, copy.data(), copy.size()),
      OSSL_PARAM_construct_end()};
  public_key key = import("ED25519", params);
  if (!key) return unexpected(key_refusal("Ed25519 key unusable"));
  return key;
}

bool verify_signature(const public_key& key, jws_alg alg, std::string_view signed_data,
                      std::string_view signature) {
  error_queue_guard guard;
  if (!key || !key_is(key, alg)) return false;
  std::string der;
  if (alg == jws_alg::es256) {
    der = ecdsa_raw_to_der(signature);
    if (der.empty()) return false;
    signature = der;
  } else if (alg == jws_alg::eddsa) {
    if (signature.size() != 64) return false;
  } else if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.get()))) {
    return false;  // RSA: exactly the modulus length (RFC 8017 §8.1.2 step 1)
  }
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const EVP_MD* md = alg == jws_alg::eddsa ? nullptr : EVP_sha256();
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key.get()) != 1) return false;
  if (alg == jws_alg::ps256 &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))  // RFC 7518 §3.5
    return false;
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(signed_data),
                          signed_data.size()) == 1;
}

}  // namespace gh::identity
