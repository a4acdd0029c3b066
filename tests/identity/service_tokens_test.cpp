#include "identity/service_tokens.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "common/encoding.hpp"

namespace gh::identity {
namespace {

// Deterministic bytes 0, 1, 2, ... so the format can be checked exactly.
random_source counting_random() {
  return [n = 0](void* out, std::size_t size) mutable {
    auto* p = static_cast<unsigned char*>(out);
    for (std::size_t i = 0; i < size; ++i) p[i] = static_cast<unsigned char>(n++);
  };
}

TEST(service_token, format_is_gh_and_base64url_of_32_random_bytes) {
  const std::string token = new_service_token(counting_random());
  ASSERT_TRUE(token.starts_with("gh_"));
  EXPECT_EQ(token.size(), 3u + 43u);  // 32 bytes: 43 base64url characters, no padding
  auto raw = base64url_decode(token.substr(3));
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->size(), 32u);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(static_cast<unsigned char>((*raw)[i]), i);
  EXPECT_EQ(token.find_first_of("=+/."), std::string::npos);
  EXPECT_FALSE(looks_like_jwt(token));
}

TEST(service_token, fresh_tokens_differ) {
  auto rng = system_random();
  EXPECT_NE(new_service_token(rng), new_service_token(rng));
}

TEST(service_token, hash_is_lower_case_sha256_hex) {
  EXPECT_EQ(service_token_sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class registry_test : public ::testing::Test {
 protected:
  void SetUp() override {
    entries_ = {{"ci-bot", service_token_sha256_hex(ci_), {"agents", "ci"}},
                {"dba-alice", service_token_sha256_hex(alice_), {}}};
    // Upper-case hex in the config names the same hash.
    for (auto& c : entries_[1].token_sha256) c = static_cast<char>(std::toupper(c));
    auto built = service_token_registry::build(entries_);
    ASSERT_TRUE(built);
    registry_ = std::move(*built);
  }
  std::string ci_ = new_service_token(counting_random());
  std::string alice_ = "gh_alice-token-for-tests";
  std::vector<service_token_entry> entries_;
  service_token_registry registry_;
};

TEST_F(registry_test, right_token_names_its_principal_and_groups) {
  auto who = registry_.authenticate(ci_);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "ci-bot");
  EXPECT_EQ(who->groups, (std::vector<std::string>{"agents", "ci"}));
  EXPECT_EQ(who->source, "service_token");
  EXPECT_FALSE(who->expires);
  auto alice = registry_.authenticate(alice_);
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "dba-alice");
  EXPECT_TRUE(alice->groups.empty());
}

TEST_F(registry_test, wrong_empty_and_near_miss_tokens_refused) {
  EXPECT_FALSE(registry_.authenticate("gh_wrong"));
  EXPECT_FALSE(registry_.authenticate(""));
  std::string flipped = ci_;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(registry_.authenticate(flipped));
  EXPECT_FALSE(registry_.authenticate(ci_.substr(0, ci_.size() - 1)));
  EXPECT_FALSE(registry_.authenticate(ci_ + "\n"));
  EXPECT_FALSE(registry_.authenticate(" " + ci_));
  // The hash itself is not a token.
  EXPECT_FALSE(registry_.authenticate(entries_[0].token_sha256));
}

TEST(service_token_registry, config_errors_name_the_entry) {
  const std::string good = service_token_sha256_hex("t1");
  auto check = [](std::vector<service_token_entry> e) { return service_token_registry::build(e); };
  auto reason = [&](std::vector<service_token_entry> e) -> std::optional<service_token_error> {
    auto r = check(std::move(e));
    if (r) return std::nullopt;
    return r.error().reason;
  };
  auto short_hash = check({{"a", good}, {"b", good.substr(2)}});
  ASSERT_FALSE(short_hash);
  EXPECT_EQ(short_hash.error().reason, service_token_error::malformed_hash);
  EXPECT_EQ(short_hash.error().index, 1u);
  EXPECT_EQ(reason({{"a", std::string(63, 'a') + "g"}}), service_token_error::malformed_hash);
  auto dup = check({{"a", good}, {"b", service_token_sha256_hex("t2")}, {"c", good}});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().reason, service_token_error::duplicate_hash);
  EXPECT_EQ(dup.error().index, 2u);
  // Same hash in two spellings is still a duplicate.
  std::string upper = good;
  for (auto& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(reason({{"a", good}, {"b", upper}}), service_token_error::duplicate_hash);
  EXPECT_EQ(reason({{"", good}}), service_token_error::empty_principal);
  EXPECT_FALSE(describe(service_token_error::duplicate_hash).empty());
}

TEST(service_token_registry, empty_registry_authenticates_nobody) {
  service_token_registry none;
  EXPECT_FALSE(none.authenticate("gh_anything"));
}

TEST(looks_like_jwt, three_base64url_parts) {
  EXPECT_TRUE(looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
  EXPECT_TRUE(
      looks_like_jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));  // alg none: the verifier refuses it
  EXPECT_FALSE(looks_like_jwt("gh_abc"));
  EXPECT_FALSE(looks_like_jwt("a.b"));
  EXPECT_FALSE(looks_like_jwt("a.b.c.d"));
  EXPECT_FALSE(looks_like_jwt(".b.c"));
  EXPECT_FALSE(looks_like_jwt("a..c"));
  EXPECT_FALSE(looks_like_jwt("a.b=.c"));
  EXPECT_FALSE(looks_like_jwt("a.b c.d"));
  EXPECT_FALSE(looks_like_jwt(""));
}

TEST(service_token_config_line, is_the_yaml_to_paste) {
  EXPECT_EQ(service_token_config_line({"ci-bot", "ab12", {"agents", "ci"}}),
            R"(- { principal: ci-bot, token_sha256: "ab12", groups: [agents, ci] })");
  EXPECT_EQ(service_token_config_line({"ci-bot", "ab12", {}}),
            R"(- { principal: ci-bot, token_sha256: "ab12" })");
}

TEST(service_token_config_line, quotes_what_yaml_would_misread) {
  EXPECT_EQ(service_token_config_line({"yes", "h", {"null", "a, b", "x\"y"}}),
            R"(- { principal: "yes", token_sha256: "h", groups: ["null", "a, b", "x\"y"] })");
  EXPECT_EQ(service_token_config_line({"123", "h", {"#c", "a:b"}}),
            R"(- { principal: "123", token_sha256: "h", groups: ["#c", "a:b"] })");
  EXPECT_EQ(service_token_config_line({"svc@corp.example", "h", {"team/db"}}),
            R"(- { principal: svc@corp.example, token_sha256: "h", groups: [team/db] })");
}

}  // namespace
}  // namespace gh::identity
