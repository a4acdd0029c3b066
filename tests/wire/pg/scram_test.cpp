// SCRAM-SHA-256 against the RFC 7677 test vector and against a real psql /
// PostgreSQL 15 exchange; the refusals a hostile server can provoke; the md5
// answer against Python's hashlib and the captured psql answer.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "common/crypto.hpp"
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

random_source fixed_random = [](void* out, std::size_t n) { std::memset(out, 7, n); };
constexpr std::string_view db = "db.internal:5432/app";

// A server-first for the RFC client's nonce with this salt and count.
std::string server_first_with(std::string_view salt, int iterations) {
  return "r=" + std::string(rfc_nonce) + "srv,s=" + base64_encode(salt) + ",i=" + std::to_string(iterations);
}

struct login_result {
  std::string client_final;
  bool verified = false;
};

// One whole login: the client's side through `cache`, the server's computed
// here from the password the server holds (RFC 5802 §3).
login_result login(std::string_view password, std::string_view salt, int iterations, scram_key_cache* cache,
                   std::string_view scope = db, std::string_view server_password = {}) {
  if (server_password.empty()) server_password = password;
  scram_client c(std::string(password), "user", std::string(rfc_nonce), cache, std::string(scope));
  const std::string first = server_first_with(salt, iterations);
  auto f = c.on_server_first(first);
  if (!f) return {"error: " + std::string(describe(f.error())), false};
  std::string without_proof = f->substr(0, f->find(",p="));
  std::string auth_message = "n=user,r=" + std::string(rfc_nonce) + "," + first + "," + without_proof;
  std::string server_key = hmac_sha256(pbkdf2_sha256(server_password, salt, iterations), "Server Key");
  bool ok = c.on_server_final("v=" + base64_encode(hmac_sha256(server_key, auth_message))).has_value();
  EXPECT_EQ(ok, c.verified());
  return {*f, ok};
}

std::pair<std::uint64_t, std::uint64_t> derived_reused(const scram_key_cache& cache) {
  return {cache.stats().derived, cache.stats().reused};
}

TEST(pg_scram_key_cache, a_second_login_takes_the_cached_keys_and_still_answers_the_rfc_vector) {
  scram_key_cache cache(fixed_random);
  for (int round = 0; round < 2; ++round) {
    scram_client c("pencil", "user", std::string(rfc_nonce), &cache, std::string(db));
    auto final_msg = c.on_server_first(rfc_server_first);
    ASSERT_TRUE(final_msg) << describe(final_msg.error());
    EXPECT_EQ(*final_msg, rfc_client_final) << "round " << round;
    EXPECT_FALSE(c.verified());
    EXPECT_TRUE(c.on_server_final(rfc_server_final)) << "round " << round;
    EXPECT_TRUE(c.verified());
  }
  EXPECT_EQ(derived_reused(cache), std::make_pair(1ul, 1ul));
}

TEST(pg_scram_key_cache, keys_are_reused_only_for_the_same_scope_password_salt_and_count) {
  scram_key_cache cache(fixed_random);
  const auto reference = login("pencil", "salt-one", 1000, nullptr);
  ASSERT_TRUE(reference.verified);
  EXPECT_EQ(login("pencil", "salt-one", 1000, &cache).client_final, reference.client_final);
  // Each differs in one part: its own keys, which answer as uncached ones do.
  struct variant {
    std::string_view password, salt;
    int iterations;
    std::string_view scope;
  };
  for (const variant& v : {variant{"pencil2", "salt-one", 1000, db}, variant{"pencil", "salt-two", 1000, db},
                           variant{"pencil", "salt-one", 1001, db},
                           variant{"pencil", "salt-one", 1000, "db.internal:5432/other"}}) {
    auto cached = login(v.password, v.salt, v.iterations, &cache, v.scope);
    EXPECT_TRUE(cached.verified);
    EXPECT_EQ(cached.client_final, login(v.password, v.salt, v.iterations, nullptr, v.scope).client_final);
  }
  EXPECT_EQ(derived_reused(cache), std::make_pair(5ul, 0ul));
  EXPECT_TRUE(login("pencil", "salt-one", 1000, &cache).verified);
  EXPECT_TRUE(login("pencil2", "salt-one", 1000, &cache).verified);
  EXPECT_TRUE(login("pencil", "salt-one", 1000, &cache, "db.internal:5432/other").verified);
  EXPECT_EQ(derived_reused(cache), std::make_pair(5ul, 3ul));
}

// Lengths are part of the id: ("ab", "c") is not ("a", "bc").
TEST(pg_scram_key_cache, part_boundaries_do_not_collide) {
  scram_key_cache cache(fixed_random);
  EXPECT_TRUE(login("c", "ab", 10, &cache, "s").verified);
  EXPECT_TRUE(login("bc", "a", 10, &cache, "s").verified);
  EXPECT_TRUE(login("c", "b", 10, &cache, "sa").verified);
  EXPECT_EQ(derived_reused(cache), std::make_pair(3ul, 0ul));
}

// A server that does not know the password (or skips the proof) adds nothing.
TEST(pg_scram_key_cache, only_a_login_the_server_proved_is_kept) {
  scram_key_cache cache(fixed_random);
  EXPECT_FALSE(login("pencil", "salt", 100, &cache, db, "not-the-password").verified);
  {
    scram_client c("pencil", "user", std::string(rfc_nonce), &cache, std::string(db));
    ASSERT_TRUE(c.on_server_first(server_first_with("salt", 100)));
    EXPECT_FALSE(c.verified());  // no server-final: AuthenticationOk must not be taken now
  }
  EXPECT_EQ(derived_reused(cache), std::make_pair(0ul, 0ul));
  EXPECT_TRUE(login("pencil", "salt", 100, &cache).verified);
  EXPECT_EQ(derived_reused(cache), std::make_pair(1ul, 0ul));
}

// Cached keys for one password do not let another one in.
TEST(pg_scram_key_cache, a_wrong_password_with_cached_keys_is_still_refused) {
  scram_key_cache cache(fixed_random);
  ASSERT_TRUE(login("pencil", "salt", 100, &cache).verified);
  EXPECT_FALSE(login("pencilX", "salt", 100, &cache, db, "pencil").verified);
  EXPECT_FALSE(login("pencil", "salt", 100, &cache, db, "pencilX").verified);
  EXPECT_EQ(derived_reused(cache), std::make_pair(1ul, 0ul));
}

TEST(pg_scram_key_cache, the_least_recently_used_entry_makes_room) {
  scram_key_cache cache(fixed_random, 2);
  login("pencil", "A", 10, &cache);
  login("pencil", "B", 10, &cache);
  login("pencil", "A", 10, &cache);  // A is now the more recent
  login("pencil", "C", 10, &cache);  // evicts B
  EXPECT_EQ(derived_reused(cache), std::make_pair(3ul, 1ul));
  login("pencil", "A", 10, &cache);
  login("pencil", "C", 10, &cache);
  EXPECT_EQ(derived_reused(cache), std::make_pair(3ul, 3ul));
  login("pencil", "B", 10, &cache);
  EXPECT_EQ(derived_reused(cache), std::make_pair(4ul, 3ul));
}

// Refused before any key is needed: nothing is derived, nothing is kept.
TEST(pg_scram_key_cache, a_refused_server_first_touches_no_key) {
  scram_key_cache cache(fixed_random);
  scram_client c("pencil", "user", std::string(rfc_nonce), &cache, std::string(db));
  EXPECT_FALSE(c.on_server_first("r=someone-else,s=" + base64_encode("salt") + ",i=4096"));
  EXPECT_FALSE(c.on_server_first(server_first_with("salt", 0)));
  EXPECT_FALSE(c.on_server_final("v=" + base64_encode(std::string(32, 'x'))));
  EXPECT_EQ(derived_reused(cache), std::make_pair(0ul, 0ul));
}

// Sessions on every io thread log in through one cache.
TEST(pg_scram_key_cache, concurrent_logins_get_the_answers_of_uncached_ones) {
  scram_key_cache cache(fixed_random, 2);
  std::vector<std::string> salts = {"s0", "s1", "s2"};
  std::vector<std::string> expected;
  for (const auto& salt : salts) expected.push_back(login("pencil", salt, 50, nullptr).client_final);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        std::size_t k = static_cast<std::size_t>(i + t) % salts.size();
        auto r = login("pencil", salts[k], 50, &cache);
        if (!r.verified || r.client_final != expected[k]) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(cache.stats().derived + cache.stats().reused, 240u);
}

// One exchange per client: a server cannot make it derive again, or prove twice.
TEST(pg_scram, a_second_server_first_or_final_is_out_of_order) {
  scram_client c = rfc_client();
  ASSERT_TRUE(c.on_server_first(rfc_server_first));
  auto again = c.on_server_first(rfc_server_first);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), scram_error::out_of_order);
  ASSERT_TRUE(c.on_server_final(rfc_server_final));
  auto twice = c.on_server_final(rfc_server_final);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error(), scram_error::out_of_order);
  EXPECT_TRUE(c.verified());
}

TEST(pg_scram, every_error_has_a_description) {
  for (auto e : {scram_error::malformed_server_first, scram_error::nonce_mismatch,
                 scram_error::bad_iteration_count, scram_error::malformed_server_final,
                 scram_error::server_error, scram_error::bad_server_signature, scram_error::out_of_order})
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
