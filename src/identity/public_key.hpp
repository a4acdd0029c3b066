// Public keys for JWS verification, built from JWK members with OpenSSL 3's
// EVP_PKEY_fromdata (no deprecated RSA_*/EC_KEY_* calls), and the signature
// check for each algorithm. The OpenSSL type stays out of this header.
#pragma once

#include <memory>
#include <string_view>

#include "common/expected.hpp"
#include "identity/jws.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace gh::identity {

enum class key_type { rsa, ec_p256, ed25519 };

// Which algorithms each key type may verify. The algorithm is decided by the
// key: a token's "alg" only selects among what its key allows.
bool key_supports(key_type type, jws_alg alg) noexcept;

// Shared so that a JWKS snapshot copies cheaply and can outlive the request
// that fetched it; OpenSSL 3 keys are safe to verify with from many threads.
using public_key = std::shared_ptr<evp_pkey_st>;

// Why a key cannot be used; static text for a log line.
using key_refusal = std::string_view;

inline constexpr int min_rsa_bits = 2048;
inline constexpr int max_rsa_bits = 16384;  // OpenSSL's own ceiling

// Big-endian unsigned integers, as JWK "n" and "e" carry them (RFC 7518 §6.3.1).
expected<public_key, key_refusal> make_rsa_public_key(std::string_view n, std::string_view e);
// Coordinates of exactly 32 bytes each (RFC 7518 §6.2.1); the point must lie on the curve.
expected<public_key, key_refusal> make_ec_p256_public_key(std::string_view x, std::string_view y);
// The 32-byte public key (RFC 8037 §2).
expected<public_key, key_refusal> make_ed25519_public_key(std::string_view x);

// True only when `signature` is `alg`'s valid signature of `signed_data`
// under `key`. Precondition: key_supports(type of key, alg); it is checked
// again here and a mismatch is a failed verification.
// ES256 signatures are the raw 64-byte r||s of RFC 7518 §3.4.
bool verify_signature(const public_key& key, jws_alg alg, std::string_view signed_data,
                      std::string_view signature);

}  // namespace gh::identity
