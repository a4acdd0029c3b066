// SCRAM-SHA-256 against the RFC 7677 test vector and against a real psql /
// PostgreSQL 15 exchange; the refusals a hostile server can provoke; the md5
// answer against Python's hashlib and the captured psql answer.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/encoding.hpp"
#include "fixture.hpp"
#include "wire/pg/backend.hpp"
#include "wire/pg/frontend.hpp"
#include "wire/pg/scram.hpp"

namespace gh::wire::pg::test {
namespace {

using namespace std::string_literals;

// RFC 7677 §3.
constexpr std::string_view rfc_nonce = "rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view rfc_server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view rfc_client_final =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view rfc_server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

scram_client rfc_client() { return scram_client("pencil", "user", std::string(rfc_nonce)); }

// The data of an Authentication message fixture (after the Int32 code).
std::string auth_data(std::string_view fixture) {
  std::string body = body_of(fixture);
  auto a = decode_auth(bytes_of(body));
  EXPECT_TRUE(a);
  return a ? std::string(a->data) : std::string();
}

TEST(pg_scram, rfc7677_test_vector) {
  scram_client c = rfc_client();
  EXPECT_EQ(c.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  auto final_msg = c.on_server_first(rfc_server_first);
  ASSERT_TRUE(final_msg) << describe(final_msg.error());
  EXPECT_EQ(*final_msg, rfc_client_final);
  auto done = c.on_server_final(rfc_server_final);
  EXPECT_TRUE(done) << describe(done.error());
}

// psql 15 logging in as gh_scram / "pencil" to PostgreSQL 15, captured.
TEST(pg_scram, the_captured_psql_exchange) {
  std::string initial = body_of("fe_sasl_initial_response");
  std::string prefix = "SCRAM-SHA-256\0\0\0\0\x20n,,n=,r="s;
  ASSERT_TRUE(initial.starts_with(prefix));
  std::string nonce = initial.substr(prefix.size());
  ASSERT_EQ(nonce.size(), 24u) << "base64 of 18 random bytes";

  scram_client c("pencil", "", nonce);
  EXPECT_EQ(c.client_first(), initial.substr(prefix.size() - 8));
  auto final_msg = c.on_server_first(auth_data("be_auth_sasl_continue"));
  ASSERT_TRUE(final_msg) << describe(final_msg.error());
  EXPECT_EQ(*final_msg, body_of("fe_sasl_response"));
  EXPECT_TRUE(c.on_server_final(auth_data("be_auth_sasl_final")));
}

TEST(pg_scram, the_nonce_is_base64_of_18_bytes_from_the_random_source) {
  random_source counting = [](void* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) static_cast<unsigned char*>(out)[i] = static_cast<unsigned char>(i);
  };
  scram_client c("pencil", counting);
  EXPECT_EQ(c.client_first(), "n,,n=,r=" + base64_encode("\0\1\2\3\4\5\6\7\10\11\12\13\14\15\16\17\20\21"s));
  EXPECT_EQ(c.client_first(), "n,,n=,r=AAECAwQFBgcICQoLDA0ODxAR");
}

TEST(pg_scram, a_server_nonce_that_does_not_extend_ours_is_refused) {
  for (std::string_view first :
       {"r=XOprNGfwEbeRWgbNEkqO%hvY,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "r=rOprNGfwEbe,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"}) {
    scram_client c = rfc_client();
    auto r = c.on_server_first(first);
    ASSERT_FALSE(r) << first;
    EXPECT_EQ(r.error(), scram_error::nonce_mismatch) << first;
  }
}

TEST(pg_scram, bad_iteration_counts_are_refused) {
  for (std::string_view i : {"0", "-1", "abc", "4096x", " 4096", "10000001", "99999999999"}) {
    scram_client c = rfc_client();
    std::string first = "r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=" + std::string(i);
    auto r = c.on_server_first(first);
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error(), scram_error::bad_iteration_count) << i;
  }
}

TEST(pg_scram, malformed_server_first_messages_are_refused) {
  for (std::string_view first :
       {"", "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "r=rOprNGfwEbeRWgbNEkqOx,i=4096",
        "r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==", "r=rOprNGfwEbeRWgbNEkqOx,s=,i=4096",
        "r=rOprNGfwEbeRWgbNEkqOx,s=not*base64,i=4096", "r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=",
        // RFC 5802 §5.1: a client must fail on a mandatory extension it does not know.
        "m=ext,r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"}) {
    scram_client c = rfc_client();
    auto r = c.on_server_first(first);
    ASSERT_FALSE(r) << first;
    EXPECT_EQ(r.error(), scram_error::malformed_server_first) << first;
  }
}

TEST(pg_scram, a_server_error_is_refused) {
  scram_client c = rfc_client();
  ASSERT_TRUE(c.on_server_first(rfc_server_first));
  auto r = c.on_server_final("e=invalid-proof");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), scram_error::server_error);
}

TEST(pg_scram, a_wrong_server_signature_is_refused) {
  scram_client c = rfc_client();
  ASSERT_TRUE(c.on_server_first(rfc_server_first));
  // The captured PostgreSQL signature: right form, other exchange.
  auto r = c.on_server_final(auth_data("be_auth_sasl_final"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), scram_error::bad_server_signature);
  auto shorter = c.on_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl9");
  ASSERT_FALSE(shorter);
  EXPECT_EQ(shorter.error(), scram_error::bad_server_signature);
}

TEST(pg_scram, malformed_server_final_messages_are_refused) {
  for (std::string_view fin : {"", "v=", "x=1", "v=not*base64"}) {
    scram_client c = rfc_client();
    ASSERT_TRUE(c.on_server_first(rfc_server_first));
    auto r = c.on_server_final(fin);
    ASSERT_FALSE(r) << fin;
    EXPECT_EQ(r.error(), scram_error::malformed_server_final) << fin;
  }
}

TEST(pg_scram, a_server_final_before_server_first_is_refused) {
  scram_client c = rfc_client();
  auto r = c.on_server_final(rfc_server_final);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), scram_error::bad_server_signature);
}

// ---- the key cache --------------------------------------------------------

// A server-first for the RFC client's nonce with this salt and count.
std::string server_first_with(std::string_view salt, int iterations) {
  return "r=" + std::string(rfc_nonce) + "srv,s=" + base64_encode(salt) + ",i=" + std::to_string(iterations);
}

std::string client_final(std::string_view password, std::string_view server_first, scram_key_cache* cache) {
  scram_client c(std::string(password), "user", std::string(rfc_nonce), cache);
  auto f = c.on_server_first(server_first);
  return f ? *f : "error: " + std::string(describe(f.error()));
}

TEST(pg_scram_key_cache, a_second_login_takes_the_cached_keys_and_still_answers_the_rfc_vector) {
  scram_key_cache cache;
  for (int round = 0; round < 2; ++round) {
    scram_client c("pencil", "user", std::string(rfc_nonce), &cache);
    auto final_msg = c.on_server_first(rfc_server_first);
    ASSERT_TRUE(final_msg) << describe(final_msg.error());
    EXPECT_EQ(*final_msg, rfc_client_final) << "round " << round;
    EXPECT_TRUE(c.on_server_final(rfc_server_final)) << "round " << round;
  }
  EXPECT_EQ(cache.stats().derived, 1u);
  EXPECT_EQ(cache.stats().reused, 1u);
}

TEST(pg_scram_key_cache, keys_are_reused_only_for_the_same_password_salt_and_count) {
  scram_key_cache cache;
  const std::string first = server_first_with("salt-one", 1000);
  const std::string reference = client_final("pencil", first, nullptr);
  EXPECT_EQ(client_final("pencil", first, &cache), reference);
  // Another password with the same salt: its own keys, not the cached ones.
  const std::string other = client_final("pencil2", first, &cache);
  EXPECT_NE(other, reference);
  EXPECT_EQ(other, client_final("pencil2", first, nullptr));
  // Another salt, another count.
  EXPECT_EQ(client_final("pencil", server_first_with("salt-two", 1000), &cache),
            client_final("pencil", server_first_with("salt-two", 1000), nullptr));
  EXPECT_EQ(client_final("pencil", server_first_with("salt-one", 1001), &cache),
            client_final("pencil", server_first_with("salt-one", 1001), nullptr));
  EXPECT_EQ(cache.stats().derived, 4u);
  EXPECT_EQ(cache.stats().reused, 0u);
  // Each of the four is now found.
  EXPECT_EQ(client_final("pencil", first, &cache), reference);
  EXPECT_EQ(client_final("pencil2", first, &cache), other);
  EXPECT_EQ(cache.stats().reused, 2u);
}

// Lengths are hashed with the bytes: ("ab", "c") is not ("a", "bc").
TEST(pg_scram_key_cache, salt_and_password_boundaries_do_not_collide) {
  scram_key_cache cache;
  client_final("c", server_first_with("ab", 10), &cache);
  EXPECT_EQ(client_final("bc", server_first_with("a", 10), &cache),
            client_final("bc", server_first_with("a", 10), nullptr));
  EXPECT_EQ(cache.stats().derived, 2u);
  EXPECT_EQ(cache.stats().reused, 0u);
}

// A server whose keys no longer match fails the login as without a cache.
TEST(pg_scram_key_cache, a_wrong_password_with_cached_keys_is_still_refused) {
  scram_key_cache cache;
  scram_client right("pencil", "user", std::string(rfc_nonce), &cache);
  ASSERT_TRUE(right.on_server_first(rfc_server_first));
  scram_client wrong("pencilX", "user", std::string(rfc_nonce), &cache);
  ASSERT_TRUE(wrong.on_server_first(rfc_server_first));
  auto r = wrong.on_server_final(rfc_server_final);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), scram_error::bad_server_signature);
}

TEST(pg_scram_key_cache, the_least_recently_used_entry_makes_room) {
  scram_key_cache cache(2);
  client_final("pencil", server_first_with("A", 10), &cache);
  client_final("pencil", server_first_with("B", 10), &cache);
  client_final("pencil", server_first_with("A", 10), &cache);  // A is now the more recent
  client_final("pencil", server_first_with("C", 10), &cache);  // evicts B
  EXPECT_EQ(cache.stats().derived, 3u);
  client_final("pencil", server_first_with("A", 10), &cache);
  client_final("pencil", server_first_with("C", 10), &cache);
  EXPECT_EQ(cache.stats().reused, 3u);
  client_final("pencil", server_first_with("B", 10), &cache);
  EXPECT_EQ(cache.stats().derived, 4u);
}

// Refused before any key is needed: nothing is derived, nothing is kept.
TEST(pg_scram_key_cache, a_refused_server_first_touches_no_key) {
  scram_key_cache cache;
  scram_client c("pencil", "user", std::string(rfc_nonce), &cache);
  EXPECT_FALSE(c.on_server_first("r=someone-else,s=" + base64_encode("salt") + ",i=4096"));
  EXPECT_FALSE(c.on_server_first(server_first_with("salt", 0)));
  EXPECT_EQ(cache.stats().derived, 0u);
  EXPECT_EQ(cache.stats().reused, 0u);
}

// Sessions on every io thread log in through one cache.
TEST(pg_scram_key_cache, concurrent_logins_get_the_answers_of_uncached_ones) {
  scram_key_cache cache(2);
  std::vector<std::string> salts = {"s0", "s1", "s2"};
  std::vector<std::string> expected;
  for (const auto& salt : salts) expected.push_back(client_final("pencil", server_first_with(salt, 50), nullptr));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        std::size_t k = static_cast<std::size_t>(i + t) % salts.size();
        if (client_final("pencil", server_first_with(salts[k], 50), &cache) != expected[k]) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(cache.stats().derived + cache.stats().reused, 240u);
}

TEST(pg_scram, every_error_has_a_description) {
  for (auto e : {scram_error::malformed_server_first, scram_error::nonce_mismatch,
                 scram_error::bad_iteration_count, scram_error::malformed_server_final,
                 scram_error::server_error, scram_error::bad_server_signature})
    EXPECT_NE(describe(e), "SCRAM failure");
}

// Known answers from Python: "md5" + md5(md5(password + user).hexdigest() + salt).hexdigest()
TEST(pg_md5, known_answers) {
  EXPECT_EQ(md5_password("user", "pencil", "\1\2\3\4"), "md54376eb6913b38f9aaff38dc7cf19ca76");
  EXPECT_EQ(md5_password("gh_md5", "md5-secret", "\xd2\x7c\x2f\xd4"), "md513ae53fade5747c237a2bea856093997");
}

// psql's answer to PostgreSQL's salt, both captured.
TEST(pg_md5, the_captured_psql_answer) {
  std::string salt = auth_data("be_auth_md5");
  ASSERT_EQ(salt.size(), 4u);
  std::string body = body_of("fe_password_md5");
  auto sent = decode_password(bytes_of(body));
  ASSERT_TRUE(sent);
  EXPECT_EQ(md5_password("gh_md5", "md5-secret", salt), *sent);
}

}  // namespace
}  // namespace gh::wire::pg::test
