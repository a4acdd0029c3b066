#include "wire/mysql/auth.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

#include "common/crypto.hpp"
#include "wire/mysql/constants.hpp"
#include "wire/mysql/payload.hpp"

namespace gh::wire::mysql {
namespace {

unexpected<codec_error> fail(codec_error e) { return unexpected<codec_error>(e); }

std::string sha1(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  // EVP_Digest only fails on allocation failure; an empty digest then makes
  // every comparison fail, which is the safe outcome.
  if (EVP_Digest(data.data(), data.size(), md, &n, EVP_sha1(), nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(md), n);
}

std::string xor_bytes(std::string a, std::string_view b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) a[i] = static_cast<char>(a[i] ^ b[i]);
  return a;
}

std::string nonce20(std::string_view nonce) {
  // Servers send 20 bytes and a NUL; a NUL left on by a caller is not nonce.
  return std::string(nonce.substr(0, 20));
}

}  // namespace

expected<auth_switch_request, codec_error> decode_auth_switch_request(bytes_view payload) {
  payload_reader r(payload);
  std::uint8_t h = 0;
  auth_switch_request out;
  if (!r.u8(h)) return fail(codec_error::truncated);
  if (h != header::eof) return fail(codec_error::bad_value);
  if (r.done()) return fail(codec_error::bad_value);  // mysql_old_password: never spoken
  if (!r.nul_string(out.plugin)) return fail(codec_error::missing_terminator);
  out.data = r.rest();
  if (!out.data.empty() && out.data.back() == '\0') out.data.remove_suffix(1);
  return out;
}

void encode_auth_switch_request_payload(std::string& out, std::string_view plugin,
                                        std::string_view data) {
  payload_builder(out).u8(header::eof).nul_string(plugin).nul_string(data);
}

expected<std::string_view, codec_error> decode_auth_more_data(bytes_view payload) {
  payload_reader r(payload);
  std::uint8_t h = 0;
  if (!r.u8(h)) return fail(codec_error::truncated);
  if (h != header::auth_more_data) return fail(codec_error::bad_value);
  return r.rest();
}

void encode_auth_more_data_payload(std::string& out, std::string_view data) {
  payload_builder(out).u8(header::auth_more_data).raw(data);
}

std::string make_nonce(const random_source& rng) {
  std::string out;
  while (out.size() < 20) {
    const std::string bytes = random_bytes(rng, 32);
    for (unsigned char c : bytes) {
      // Rejection sampling over 0x21..0x7e without '$': uniform, no bias.
      const unsigned char v = c & 0x7f;
      if (v >= 0x21 && v <= 0x7e && v != '$' && out.size() < 20) out += static_cast<char>(v);
    }
  }
  return out;
}

std::string native_password_response(std::string_view password, std::string_view nonce) {
  if (password.empty()) return {};
  const std::string stage1 = sha1(password);
  const std::string stage2 = sha1(stage1);
  return xor_bytes(stage1, sha1(nonce20(nonce) + stage2));
}

bool verify_native_password(std::string_view response, std::string_view nonce,
                            std::string_view stored_hash) {
  if (response.size() != 20 || stored_hash.size() != 20) return false;
  // response XOR SHA1(nonce + stored) is SHA1(password); its SHA1 must be stored.
  const std::string stage1 = xor_bytes(std::string(response), sha1(nonce20(nonce) + std::string(stored_hash)));
  return constant_time_equal(sha1(stage1), stored_hash);
}

std::string caching_sha2_response(std::string_view password, std::string_view nonce) {
  if (password.empty()) return {};
  const std::string p1 = sha256(password);
  const std::string p2 = sha256(sha256(p1) + nonce20(nonce));
  return xor_bytes(p1, p2);
}

std::string clear_password_response(std::string_view password) {
  std::string out(password);
  out += '\0';
  return out;
}

std::string xor_password_with_nonce(std::string_view password, std::string_view nonce) {
  std::string out(password);
  out += '\0';
  const std::string n = nonce20(nonce);
  if (n.empty()) return out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(out[i] ^ n[i % n.size()]);
  return out;
}

std::string_view describe(rsa_error e) noexcept {
  switch (e) {
    case rsa_error::bad_public_key: return "the server's RSA public key cannot be read";
    case rsa_error::too_long: return "the password is too long for the server's RSA key";
    case rsa_error::encrypt_failed: return "RSA encryption failed";
  }
  return "RSA error";
}

expected<std::string, rsa_error> rsa_encrypt_password(std::string_view pem_public_key,
                                                      std::string_view password,
                                                      std::string_view nonce) {
  using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;
  using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
  using ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
  // BIO_new_mem_buf takes an int length: a larger "key" is not a key.
  if (pem_public_key.size() > 1 << 20) return unexpected<rsa_error>(rsa_error::bad_public_key);
  bio_ptr bio(BIO_new_mem_buf(pem_public_key.data(), static_cast<int>(pem_public_key.size())), &BIO_free);
  if (!bio) return unexpected<rsa_error>(rsa_error::encrypt_failed);
  key_ptr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
    return unexpected<rsa_error>(rsa_error::bad_public_key);
  const std::string plain = xor_password_with_nonce(password, nonce);
  // OAEP with SHA-1 adds 2 * 20 + 2 bytes of padding.
  if (plain.size() + 42 > static_cast<std::size_t>(EVP_PKEY_get_size(key.get())))
    return unexpected<rsa_error>(rsa_error::too_long);
  ctx_ptr ctx(EVP_PKEY_CTX_new(key.get(), nullptr), &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1)
    return unexpected<rsa_error>(rsa_error::encrypt_failed);
  std::size_t n = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(plain.data());
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &n, in, plain.size()) != 1)
    return unexpected<rsa_error>(rsa_error::encrypt_failed);
  std::string out(n, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, in, plain.size()) != 1)
    return unexpected<rsa_error>(rsa_error::encrypt_failed);
  out.resize(n);
  return out;
}

}  // namespace gh::wire::mysql
