// identity_service against a stand-in provider on loopback: keys loaded in
// the background, a provider down at start, rotation, the refresh rate limit
// and coalescing, routing by issuer; and session_expiry.
#include "gateway/identity_service.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "identity/test_keys.hpp"
#include "oidc_test_server.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
namespace json = boost::json;
using identity::testing::ec_key;
using identity::testing::make_token;
using identity::testing::rsa_key;
using identity::testing::rsa_key_2;
using testing::reply;
using testing::test_http_server;

// A provider whose key set the test changes while it runs.
class fake_provider {
 public:
  explicit fake_provider(unsigned short port = 0)
      : server_([this](const std::string& target) { return answer(target); }, nullptr, port) {}

  std::string issuer() const { return server_.origin(); }
  unsigned short port() const { return server_.port(); }
  void set_keys(std::string jwks) {
    std::lock_guard lock(mutex_);
    jwks_ = std::move(jwks);
  }
  void set_delay(std::chrono::milliseconds d) {
    std::lock_guard lock(mutex_);
    delay_ = d;
  }
  int jwks_fetches() const { return server_.requests("/jwks"); }

 private:
  reply answer(const std::string& target) {
    std::lock_guard lock(mutex_);
    if (target == "/.well-known/openid-configuration")
      return reply{200, json::serialize(json::object{{"issuer", issuer()}, {"jwks_uri", issuer() + "/jwks"}})};
    if (target == "/jwks") return reply{200, jwks_, {}, delay_};
    return reply{404, "{}"};
  }

  mutable std::mutex mutex_;
  std::string jwks_ = "{\"keys\":[]}";
  std::chrono::milliseconds delay_{0};
  test_http_server server_;  // last: stopped before the state it reads
};

std::string key_set(std::initializer_list<std::string> jwks) {
  std::string out = "{\"keys\":[";
  for (const auto& k : jwks) out += (out.back() == '[' ? "" : ",") + k;
  return out + "]}";
}

std::string token_for(const std::string& issuer, const std::string& kid, const std::string& subject = "agent-7",
                      const identity::testing::test_key& key = rsa_key(), std::string_view alg = "RS256") {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  json::object header{{"alg", alg}, {"kid", kid}};
  json::object claims{{"iss", issuer}, {"aud", "urn:gatehouse"}, {"sub", subject},
                      {"exp", now + 300}, {"groups", json::array{"agents"}}};
  return make_token(json::serialize(header), json::serialize(claims), key, alg);
}

identity::provider_settings settings_for(const std::string& issuer, std::string audience = "urn:gatehouse") {
  identity::provider_settings s;
  s.issuer = issuer;
  s.audience = std::move(audience);
  return s;
}

identity_options fast_retries() {
  identity_options o;
  o.retry_first = std::chrono::milliseconds(50);
  o.retry_max = std::chrono::milliseconds(200);
  o.fetch.timeout = std::chrono::seconds(2);
  return o;
}

auth_result authenticate(identity_service& svc, const std::string& token) {
  asio::io_context io;
  auth_result out = unexpected(auth_failure{});
  asio::co_spawn(io, [&]() -> net::awaitable<void> { out = co_await svc.authenticate(token); }, asio::detached);
  io.run();
  return out;
}

bool eventually(const std::function<bool()>& what, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!what()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::unique_ptr<identity_service> started(std::vector<identity::provider_settings> providers,
                                          identity_options options = fast_retries()) {
  auto svc = std::make_unique<identity_service>(std::move(providers), make_client_tls(), std::move(options));
  svc->start();
  return svc;
}

TEST(identity_service, loads_keys_in_the_background_and_accepts_a_token) {
  fake_provider idp;
  idp.set_keys(key_set({rsa_key().jwk("\"kid\":\"a\",")}));
  auto svc = started({settings_for(idp.issuer())});
  ASSERT_TRUE(eventually([&] { return svc->has_keys(idp.issuer()); }));
  auto who = authenticate(*svc, token_for(idp.issuer(), "a"));
  ASSERT_TRUE(who) << who.error().reason;
  EXPECT_EQ(who->name, "agent-7");
  EXPECT_EQ(who->groups, std::vector<std::string>{"agents"});
  EXPECT_EQ(who->source, "oidc:" + idp.issuer());
  EXPECT_TRUE(who->expires.has_value());
}

TEST(identity_service, refuses_tokens_of_an_unconfigured_issuer_without_fetching) {
  fake_provider idp, stranger;
  idp.set_keys(key_set({rsa_key().jwk("\"kid\":\"a\",")}));
  auto svc = started({settings_for(idp.issuer())});
  ASSERT_TRUE(eventually([&] { return svc->has_keys(idp.issuer()); }));
  auto who = authenticate(*svc, token_for(stranger.issuer(), "a"));
  ASSERT_FALSE(who);
  EXPECT_EQ(who.error().what, auth_failure::kind::unknown_issuer);
  EXPECT_EQ(who.error().reason.find(stranger.issuer()), std::string::npos);  // a value from the token
  EXPECT_EQ(stranger.jwks_fetches(), 0);
}

TEST(identity_service, a_provider_down_at_start_is_retried_until_it_answers) {
  unsigned short port;
  {
    fake_provider gone;  // a port the kernel gave, closed again
    port = gone.port();
  }
  const std::string issuer = "http://127.0.0.1:" + std::to_string(port);
  auto svc = started({settings_for(issuer)});
  auto refused = authenticate(*svc, token_for(issuer, "a"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().what, auth_failure::kind::provider_unreachable);
  EXPECT_NE(refused.error().reason.find("keys are not loaded"), std::string::npos) << refused.error().reason;

  fake_provider late(port);
  late.set_keys(key_set({rsa_key().jwk("\"kid\":\"a\",")}));
  ASSERT_TRUE(eventually([&] { return svc->has_keys(issuer); }));
  auto who = authenticate(*svc, token_for(issuer, "a"));
  ASSERT_TRUE(who) << who.error().reason;
}

TEST(identity_service, keys_held_stay_in_use_when_the_provider_goes_down) {
  auto idp = std::make_unique<fake_provider>();
  const std::string issuer = idp->issuer();
  idp->set_keys(key_set({rsa_key().jwk("\"kid\":\"a\",")}));
  auto svc = started({settings_for(issuer)});
  ASSERT_TRUE(eventually([&] { return svc->has_keys(issuer); }));
  idp.reset();  // down

  auto known = authenticate(*svc, token_for(issuer, "a"));
  ASSERT_TRUE(known) << known.error().reason;
  auto rotated = authenticate(*svc, token_for(issuer, "b", "agent-7", rsa_key_2()));
  ASSERT_FALSE(rotated);
  EXPECT_EQ(rotated.error().what, auth_failure::kind::provider_unreachable);
  EXPECT_EQ(rotated.error().jwt, identity::jwt_error::unknown_key);
  EXPECT_NE(rotated.error().reason.find("key set refresh failed"), std::string::npos) << rotated.error().reason;
}

TEST(identity_service, a_rotated_key_is_fetched_once_for_many_concurrent_tokens) {
  fake_provider idp;
  idp.set_keys(key_set({rsa_key().jwk("\"kid\":\"a\",")}));
  auto svc = started({settings_for(idp.issuer())});
  ASSERT_TRUE(eventually([&] { return svc->has_keys(idp.issuer()); }));
  const int before = idp.jwks_fetches();

  // The provider rotates to "b" and answers slowly: every token below asks
  // for the key while the one refresh is in flight, from two threads.
  idp.set_keys(key_set({rsa_key().jwk("\"kid\":\"a\","), rsa_key_2().jwk("\"kid\":\"b\",")}));
  idp.set_delay(std::chrono::milliseconds(300));
  const std::string token = token_for(idp.issuer(), "b", "agent-7", rsa_key_2());
  std::atomic<int> accepted{0};
  auto worker = [&] {
    asio::io_context io;
    for (int i = 0; i < 10; ++i)
      asio::co_spawn(io, [&]() -> net::awaitable<void> {
        auto who = co_await svc->authenticate(token);
        if (who) ++accepted;
      }, asio::detached);
    io.run();
  };
  std::thread t1(worker), t2(worker);
  t1.join();
  t2.join();
  EXPECT_EQ(accepted.load(), 20);
  EXPECT_EQ(idp.jwks_fetches() - before, 1);
}

TEST(identity_service, made_up_kids_cost_the_provider_one_fetch_per_interval) {
  fake_provider idp;
  idp.set_keys(key_set({ec_key().jwk("\"kid\":\"a\",")}));
  auto svc = started({settings_for(idp.issuer())});
  ASSERT_TRUE(eventually([&] { return svc->has_keys(idp.issuer()); }));
  const int before = idp.jwks_fetches();
  for (int i = 0; i < 30; ++i) {
    auto who = authenticate(*svc, token_for(idp.issuer(), "made-up-" + std::to_string(i), "agent-7", ec_key(), "ES256"));
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error().jwt, identity::jwt_error::unknown_key);
    EXPECT_EQ(who.error().what, auth_failure::kind::token_refused);
  }
  EXPECT_EQ(idp.jwks_fetches() - before, 1);
}

TEST(identity_service, an_issuer_with_two_audiences_is_discovered_once) {
  fake_provider idp;
  idp.set_keys(key_set({rsa_key().jwk("\"kid\":\"a\",")}));
  auto svc = started({settings_for(idp.issuer(), "urn:other"), settings_for(idp.issuer())});
  ASSERT_TRUE(eventually([&] { return svc->has_keys(idp.issuer()); }));
  auto who = authenticate(*svc, token_for(idp.issuer(), "a"));  // aud urn:gatehouse: the second entry
  ASSERT_TRUE(who) << who.error().reason;
  EXPECT_EQ(idp.jwks_fetches(), 1);
}

TEST(identity_service, a_wrong_signature_is_refused_without_a_refresh) {
  fake_provider idp;
  idp.set_keys(key_set({rsa_key().jwk("\"kid\":\"a\",")}));
  auto svc = started({settings_for(idp.issuer())});
  ASSERT_TRUE(eventually([&] { return svc->has_keys(idp.issuer()); }));
  auto who = authenticate(*svc, token_for(idp.issuer(), "a", "agent-7", rsa_key_2()));  // kid a, other key
  ASSERT_FALSE(who);
  EXPECT_EQ(who.error().jwt, identity::jwt_error::bad_signature);
  EXPECT_EQ(idp.jwks_fetches(), 1);
}

// ---- session_expiry -------------------------------------------------------------

TEST(session_expiry, is_the_earlier_of_exp_and_session_max) {
  using namespace std::chrono;
  const auto start = steady_clock::time_point(hours(1000));
  const sys_time now = system_clock::now();
  identity::principal token;
  token.expires = now + minutes(5);
  EXPECT_EQ(session_expiry(token, std::nullopt, start, now), start + minutes(5));
  EXPECT_EQ(session_expiry(token, seconds(60), start, now), start + seconds(60));
  EXPECT_EQ(session_expiry(token, hours(8), start, now), start + minutes(5));
  identity::principal service;  // no exp
  EXPECT_EQ(session_expiry(service, std::nullopt, start, now), std::nullopt);
  EXPECT_EQ(session_expiry(service, hours(8), start, now), start + hours(8));
  token.expires = now - seconds(10);  // accepted within the skew, already past here
  EXPECT_LT(*session_expiry(token, std::nullopt, start, now), start);
}

}  // namespace
}  // namespace gh::gateway
