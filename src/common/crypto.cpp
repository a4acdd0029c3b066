#include "common/crypto.hpp"

#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/encoding.hpp"

namespace gh {
namespace {

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // EVP_Digest cannot fail for these built-in digests on valid memory.
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

// SHA-256 is on the audit ingester's path once per stored row. OpenSSL 3
// looks EVP_sha256() up in its provider tables (locks, a hash lookup, a
// reference count) on every EVP_Digest call; fetching it once saves that.
// A process-wide constant, not state: the same algorithm every call.
const EVP_MD* fetched_sha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

// One context per thread, reused: no allocation of a context per call, and
// no sharing between threads.
EVP_MD_CTX* thread_md_ctx() {
  thread_local std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

}  // namespace

std::string sha256(std::string_view data) {
  const EVP_MD* md = fetched_sha256();
  EVP_MD_CTX* ctx = thread_md_ctx();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // Init/update/final cannot fail for the default provider's SHA-256 on valid
  // memory; should a fetch or a step fail anyway (an odd provider setup),
  // fall back to the one-shot call rather than return a wrong digest.
  if (md && ctx && EVP_DigestInit_ex2(ctx, md, nullptr) == 1 &&
      EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
      EVP_DigestFinal_ex(ctx, out, &len) == 1)
    return std::string(reinterpret_cast<char*>(out), len);
  return digest(EVP_sha256(), data);
}

std::string md5_hex(std::string_view data) { return to_hex(digest(EVP_md5(), data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  std::string mac(reinterpret_cast<char*>(out), len);
  OPENSSL_cleanse(out, sizeof out);  // a MAC here may be a key (SCRAM's)
  return mac;
}

std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations) {
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof out, out);
  std::string key(reinterpret_cast<char*>(out), sizeof out);
  OPENSSL_cleanse(out, sizeof out);
  return key;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void secure_clear(std::string& secret) noexcept {
  OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

}  // namespace gh
