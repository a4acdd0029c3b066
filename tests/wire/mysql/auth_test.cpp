// The auth plugins against real bytes: the mariadb client's and raw_client's
// native scrambles of the capture's known password, MariaDB's stored hash,
// an independent caching_sha2 computation, and an RSA round trip.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

#include "common/encoding.hpp"
#include "fixture.hpp"
#include "wire/mysql/auth.hpp"
#include "wire/mysql/handshake.hpp"

namespace gh::wire::mysql::test {
namespace {

constexpr std::string_view password = "gatehouse-fixture";  // capture/capture.py, hand_written.py

std::string only(std::string_view name) {
  const auto p = payloads_of(name);
  EXPECT_EQ(p.size(), 1u) << name;
  return p.empty() ? std::string() : p[0];
}

TEST(mysql_auth, native_password_matches_the_mariadb_client) {
  const std::string hp = only("be_handshake_v10"), rp = only("fe_handshake_response41");
  const auto h = decode_handshake(bytes_of(hp));
  const auto r = decode_handshake_response(bytes_of(rp));
  ASSERT_TRUE(h && r);
  EXPECT_EQ(native_password_response(password, h->auth_plugin_data), r->auth_response);
  EXPECT_NE(native_password_response("wrong", h->auth_plugin_data), r->auth_response);
}

TEST(mysql_auth, native_password_after_an_auth_switch) {
  const std::string switch_payload = only("be_auth_switch_request");
  const auto sw = decode_auth_switch_request(bytes_of(switch_payload));
  ASSERT_TRUE(sw);
  EXPECT_EQ(sw->plugin, native_password_plugin);
  EXPECT_EQ(sw->data.size(), 20u);
  EXPECT_EQ(native_password_response(password, sw->data), only("fe_auth_switch_response"));
}

TEST(mysql_auth, native_password_verifies_against_mariadbs_stored_hash) {
  // SELECT PASSWORD('gatehouse-fixture') on MariaDB 10.11.
  const auto stored = from_hex("A9CDADD9463D7E58920759F8106E000393BF191A");
  ASSERT_TRUE(stored);
  const std::string hp = only("be_handshake_v10"), rp = only("fe_handshake_response41");
  const auto h = decode_handshake(bytes_of(hp));
  const auto r = decode_handshake_response(bytes_of(rp));
  ASSERT_TRUE(h && r);
  EXPECT_TRUE(verify_native_password(r->auth_response, h->auth_plugin_data, *stored));
  EXPECT_FALSE(verify_native_password(native_password_response("x", h->auth_plugin_data),
                                      h->auth_plugin_data, *stored));
  EXPECT_FALSE(verify_native_password("", h->auth_plugin_data, *stored));
}

TEST(mysql_auth, caching_sha2_fast_path_matches_an_independent_computation) {
  const std::string hp = only("be_handshake_v10_caching_sha2");
  const std::string rp = only("fe_handshake_response41_caching_sha2");
  const auto h = decode_handshake(bytes_of(hp));
  const auto r = decode_handshake_response(bytes_of(rp));
  ASSERT_TRUE(h && r);
  EXPECT_EQ(r->auth_plugin, caching_sha2_plugin);
  EXPECT_EQ(caching_sha2_response(password, h->auth_plugin_data), r->auth_response);
  EXPECT_EQ(caching_sha2_response(password, h->auth_plugin_data + '\0'), r->auth_response);
}

TEST(mysql_auth, caching_sha2_server_messages) {
  const std::string fast = only("be_auth_more_data_fast_auth_success");
  const std::string full = only("be_auth_more_data_perform_full_authentication");
  EXPECT_EQ(decode_auth_more_data(bytes_of(fast)).value(), std::string(1, caching_sha2::fast_auth_success));
  EXPECT_EQ(decode_auth_more_data(bytes_of(full)).value(),
            std::string(1, caching_sha2::perform_full_authentication));
  EXPECT_EQ(only("fe_caching_sha2_request_public_key"), std::string(1, caching_sha2::request_public_key));
  const std::string sp = only("be_auth_switch_request_caching_sha2");
  const auto sw = decode_auth_switch_request(bytes_of(sp));
  ASSERT_TRUE(sw);
  EXPECT_EQ(sw->plugin, caching_sha2_plugin);
  EXPECT_EQ(sw->data, "Rw;7c!Kp=2v&QxZ9e@Lm");
  const std::string pp = only("be_auth_more_data_public_key");
  const auto pem = decode_auth_more_data(bytes_of(pp));
  ASSERT_TRUE(pem);
  EXPECT_TRUE(pem->starts_with("-----BEGIN PUBLIC KEY-----"));
  const auto sealed = rsa_encrypt_password(*pem, password, sw->data);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->size(), 256u);  // a 2048-bit key
}

TEST(mysql_auth, clear_password) {
  const std::string sp = only("be_auth_switch_request_clear_password");
  const auto sw = decode_auth_switch_request(bytes_of(sp));
  ASSERT_TRUE(sw);
  EXPECT_EQ(sw->plugin, clear_password_plugin);
  EXPECT_EQ(sw->data, "");
  EXPECT_EQ(clear_password_response(password), only("fe_clear_password"));
  std::string p;
  encode_auth_switch_request_payload(p, clear_password_plugin, "");
  EXPECT_EQ(p, only("be_auth_switch_request_clear_password") + std::string(1, '\0'));
}

TEST(mysql_auth, the_old_password_switch_is_refused) {
  EXPECT_FALSE(decode_auth_switch_request(bytes_of(std::string("\xfe"))));
  EXPECT_FALSE(decode_auth_switch_request(bytes_of(std::string("\xfe" "abc"))));  // no NUL
  EXPECT_FALSE(decode_auth_more_data(bytes_of(std::string("\x02x"))));
}

TEST(mysql_auth, empty_passwords_send_nothing) {
  EXPECT_EQ(native_password_response("", "12345678901234567890"), "");
  EXPECT_EQ(caching_sha2_response("", "12345678901234567890"), "");
  EXPECT_EQ(clear_password_response(""), std::string(1, '\0'));
}

TEST(mysql_auth, xor_with_the_nonce_repeats_it) {
  const std::string nonce = "ABCDEFGHIJKLMNOPQRST";
  const std::string long_password(25, 'a');
  const std::string x = xor_password_with_nonce(long_password, nonce);
  ASSERT_EQ(x.size(), 26u);
  EXPECT_EQ(x[0], static_cast<char>('a' ^ 'A'));
  EXPECT_EQ(x[20], static_cast<char>('a' ^ 'A'));  // the nonce again
  EXPECT_EQ(x[25], static_cast<char>('\0' ^ 'F'));  // the NUL, sealed too
}

TEST(mysql_auth, rsa_round_trip_with_a_fresh_key) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
  ASSERT_TRUE(key);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio.get(), key.get()), 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  const std::string pem(data, static_cast<std::size_t>(n));
  const std::string nonce = "abcdefghij0123456789";
  const auto sealed = rsa_encrypt_password(pem, password, nonce);
  ASSERT_TRUE(sealed);

  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                  &EVP_PKEY_CTX_free);
  ASSERT_EQ(EVP_PKEY_decrypt_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING), 1);
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(sealed->data());
  ASSERT_EQ(EVP_PKEY_decrypt(ctx.get(), nullptr, &len, in, sealed->size()), 1);
  std::string plain(len, '\0');
  ASSERT_EQ(EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, in,
                             sealed->size()),
            1);
  plain.resize(len);
  EXPECT_EQ(plain, xor_password_with_nonce(password, nonce));

  EXPECT_EQ(error_of(rsa_encrypt_password("not a key", password, nonce)), rsa_error::bad_public_key);
  EXPECT_EQ(error_of(rsa_encrypt_password(pem, std::string(300, 'p'), nonce)), rsa_error::too_long);
}

TEST(mysql_auth, nonces_are_printable_and_come_from_the_source) {
  std::uint8_t counter = 0;
  const random_source rng = [&counter](void* out, std::size_t n) {
    auto* p = static_cast<std::uint8_t*>(out);
    for (std::size_t i = 0; i < n; ++i) p[i] = counter++;
  };
  const std::string a = make_nonce(rng);
  ASSERT_EQ(a.size(), 20u);
  for (char c : a) {
    EXPECT_GE(c, 0x21);
    EXPECT_LE(c, 0x7e);
    EXPECT_NE(c, '$');
  }
  EXPECT_NE(make_nonce(rng), a);
}

}  // namespace
}  // namespace gh::wire::mysql::test
