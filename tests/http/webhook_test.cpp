// The webhook against a local receiver: delivery in order, retries with
// backoff, giving up, a full queue, and a URL that never reaches a log.
#include "http/webhook.hpp"

#include <gtest/gtest.h>

#include "receiver.hpp"

namespace gh::http {
namespace {

using testing::receiver;
using namespace std::chrono_literals;

webhook_options fast() {
  webhook_options o;
  o.first_backoff = 10ms;
  o.timeout = 2000ms;
  return o;
}

template <class F>
bool eventually(F f) {
  for (int i = 0; i < 500; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(webhook, posts_each_event_in_order) {
  receiver r;
  auto w = webhook::start(r.url(), fast());
  ASSERT_TRUE(w) << w.error();
  for (int i = 0; i < 3; ++i) (*w)->post("{\"n\":" + std::to_string(i) + "}");
  auto seen = r.wait_for(3);
  ASSERT_EQ(seen.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(seen[i].method(), verb::post);
    EXPECT_EQ(seen[i].target(), "/hook/T0KEN?secret=s3cret");
    EXPECT_EQ(seen[i][bhttp::field::content_type], "application/json");
    EXPECT_EQ(seen[i].body(), "{\"n\":" + std::to_string(i) + "}");
  }
  EXPECT_TRUE(eventually([&] { return (*w)->stats().sent == 3; }));
}

TEST(webhook, retries_with_backoff_until_delivered) {
  receiver r({503, 500});
  auto w = webhook::start(r.url(), fast());
  ASSERT_TRUE(w);
  (*w)->post("{}");
  EXPECT_EQ(r.wait_for(3).size(), 3u);
  EXPECT_TRUE(eventually([&] { return (*w)->stats().sent == 1; }));
  EXPECT_EQ((*w)->stats().failed, 0u);
}

TEST(webhook, gives_up_after_its_attempts) {
  receiver r({500, 500, 500, 500, 500});
  auto o = fast();
  o.attempts = 3;
  auto w = webhook::start(r.url(), o);
  (*w)->post("{}");
  EXPECT_TRUE(eventually([&] { return (*w)->stats().failed == 1; }));
  EXPECT_EQ(r.wait_for(3).size(), 3u);
  (*w)->post("{}");  // the next event is tried again from the start
  EXPECT_TRUE(eventually([&] { return (*w)->stats().sent == 1; }));
}

TEST(webhook, a_refusal_is_not_retried) {
  receiver r({404});
  auto w = webhook::start(r.url(), fast());
  (*w)->post("{}");
  EXPECT_TRUE(eventually([&] { return (*w)->stats().failed == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(r.wait_for(1).size(), 1u);
}

TEST(webhook, a_dead_webhook_never_blocks_and_drops_when_full) {
  // A port nobody listens on: every try is refused at once.
  std::string url;
  {
    receiver gone;
    url = gone.url();
  }
  auto o = fast();
  o.queue_max = 2;
  o.first_backoff = 200ms;
  auto w = webhook::start(url, o);
  ASSERT_TRUE(w);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) (*w)->post("{}");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_GE((*w)->stats().dropped, 97u);
  // Destruction stops the retries at once rather than after every backoff.
  start = std::chrono::steady_clock::now();
  w->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(webhook, a_bad_url_is_refused_without_showing_it) {
  for (std::string url :
       {"ftp://hooks.example/T0KEN", "https://user:T0KEN@hooks.example/x", "not a url T0KEN"}) {
    auto w = webhook::start(url);
    ASSERT_FALSE(w) << url;
    EXPECT_EQ(w.error().find("T0KEN"), std::string::npos) << w.error();
  }
}

TEST(client, errors_name_the_origin_only) {
  std::string url;
  {
    receiver gone;
    url = gone.url();
  }
  auto u = parse_url(url);
  ASSERT_TRUE(u);
  auto r = send(*u, verb::post, "", "{}", "gh_secret_token");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("http://127.0.0.1:"), std::string::npos) << r.error();
  EXPECT_EQ(r.error().find("T0KEN"), std::string::npos) << r.error();
  EXPECT_EQ(r.error().find("s3cret"), std::string::npos) << r.error();
  EXPECT_EQ(r.error().find("gh_secret_token"), std::string::npos) << r.error();
}

TEST(client, parses_urls) {
  auto u = parse_url("https://[::1]:8443/base/");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->https);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->target, "/base/");
  EXPECT_EQ(u->origin(), "https://[::1]:8443");
  u = parse_url("http://gw.example");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->target, "/");
  EXPECT_FALSE(parse_url("gw.example:8080"));
}

}  // namespace
}  // namespace gh::http
