// The API's routes as values: a request in, a response out, no socket. The
// board and the book behind them are the real ones, on a temp SQLite file.
#include "http/api.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "../store/review_fixture.hpp"
#include "http/records_json.hpp"
#include "http/server.hpp"

namespace gh::http {
namespace {

using gateway::testing::review_fixture;
using gateway::testing::who;
namespace json = boost::json;

const identity::principal agent = who("chatgpt-agent", {"agents"});
const identity::principal carol = who("dba-carol", {"dba"});
const identity::principal alice = who("dba-alice");
const identity::principal stranger = who("stranger");

// A member as text: strings as they are, anything else serialised.
std::string text_of(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

struct api_fixture : review_fixture {
  api routes{api_context{*board, *book, "https://gw.example", clock(),
                         [] { return std::string("m 1\n"); }}};

  response call(verb method, std::string target, const identity::principal& caller,
                std::string body = "") {
    request req{method, target, 11};
    req.body() = std::move(body);
    req.prepare_payload();
    return routes.handle(req, caller);
  }
  static json::value body(const response& r) { return json::parse(r.body()); }
  static std::string error(const response& r) {
    return std::string(body(r).at("error").as_string());
  }
  static std::string detail(const response& r) {
    return std::string(body(r).at("detail").as_string());
  }

  // An access review opened by the agent; its id.
  std::string request_access(std::string duration = "30m") {
    auto r = call(
        verb::post, "/api/v1/grants/requests", agent,
        R"({"rule": "oncall-write", "duration": ")" + duration + R"(", "reason": "fix order 7"})");
    EXPECT_EQ(r.result(), status::created) << r.body();
    return std::string(body(r).at("id").as_string());
  }
};

TEST(http_api, healthz_and_metrics_need_no_caller) {
  api_fixture f;
  request req{verb::get, "/healthz", 11};
  auto r = f.routes.public_route(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), status::ok);
  EXPECT_EQ(r->body(), "ok\n");
  req.target("/metrics");
  r = f.routes.public_route(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "m 1\n");
  EXPECT_EQ((*r)[bhttp::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  req.method(verb::post);
  EXPECT_EQ(f.routes.public_route(req)->result(), status::method_not_allowed);
  req.method(verb::get);
  for (auto t : {"/api/v1/reviews", "/", "/healthz/x", "/api/v1/grants"}) {
    req.target(t);
    EXPECT_FALSE(f.routes.public_route(req)) << t;
  }
}

TEST(http_api, unknown_routes_and_methods) {
  api_fixture f;
  auto r = f.call(verb::get, "/api/v2/reviews", agent);
  EXPECT_EQ(r.result(), status::not_found);
  EXPECT_EQ(f.error(r), "not_found");
  r = f.call(verb::put, "/api/v1/reviews", agent);
  EXPECT_EQ(r.result(), status::method_not_allowed);
  EXPECT_EQ(r[bhttp::field::allow], "GET");
  r = f.call(verb::get, "/api/v1/reviews/r-1/approve", agent);
  EXPECT_EQ(r.result(), status::method_not_allowed);
  EXPECT_EQ(r[bhttp::field::allow], "POST");
  r = f.call(verb::patch, "/api/v1/grants/g-1", agent);
  EXPECT_EQ(r[bhttp::field::allow], "GET, DELETE");
}

TEST(http_api, an_agent_requests_access_and_a_reviewer_approves) {
  api_fixture f;
  std::string id = f.request_access();
  auto shown = f.call(verb::get, "/api/v1/reviews/" + id, agent);
  ASSERT_EQ(shown.result(), status::ok);
  auto v = f.body(shown);
  EXPECT_EQ(text_of(v.at("kind")), "access");
  EXPECT_EQ(text_of(v.at("state")), "pending");
  EXPECT_EQ(text_of(v.at("rule")), "oncall-write");
  EXPECT_EQ(text_of(v.at("duration")), "30m");
  EXPECT_EQ(text_of(v.at("reason")), "fix order 7");
  EXPECT_EQ(text_of(v.at("url")), "https://gw.example/api/v1/reviews/" + id);
  EXPECT_TRUE(v.at("decided").is_null());

  auto self = f.call(verb::post, "/api/v1/reviews/" + id + "/approve",
                     who("chatgpt-agent", {"agents", "dba"}));
  EXPECT_EQ(self.result(), status::forbidden);
  EXPECT_EQ(f.error(self), "self_review");
  EXPECT_NE(f.detail(self).find("never decides its own review"), std::string::npos)
      << f.detail(self);

  auto outsider = f.call(verb::post, "/api/v1/reviews/" + id + "/approve", alice);
  EXPECT_EQ(outsider.result(), status::forbidden);
  EXPECT_EQ(f.error(outsider), "not_a_reviewer");
  EXPECT_NE(f.detail(outsider).find("group:dba"), std::string::npos) << f.detail(outsider);

  auto ok = f.call(verb::post, "/api/v1/reviews/" + id + "/approve", carol, R"({"comment": "go"})");
  ASSERT_EQ(ok.result(), status::ok) << ok.body();
  v = f.body(ok);
  EXPECT_EQ(text_of(v.at("state")), "approved");
  EXPECT_EQ(text_of(v.at("decided_by")), "dba-carol");
  EXPECT_EQ(text_of(v.at("comment")), "go");
  std::string grant = std::string(v.at("grant").as_string());
  EXPECT_EQ(grant.substr(0, 2), "g-");

  auto twice = f.call(verb::post, "/api/v1/reviews/" + id + "/reject", carol);
  EXPECT_EQ(twice.result(), status::conflict);
  EXPECT_EQ(f.error(twice), "not_pending");
  EXPECT_NE(f.detail(twice).find("approved (by dba-carol)"), std::string::npos) << f.detail(twice);

  auto mine = f.call(verb::get, "/api/v1/grants?active=true", agent);
  ASSERT_EQ(mine.result(), status::ok);
  auto grants = f.body(mine).at("grants").as_array();
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(text_of(grants[0].at("id")), grant);
  EXPECT_EQ(text_of(grants[0].at("active")), "true");
  EXPECT_EQ(text_of(grants[0].at("review")), id);
  EXPECT_EQ(text_of(grants[0].at("approver")), "dba-carol");
}

TEST(http_api, reviews_are_shown_to_their_requester_and_reviewers_only) {
  api_fixture f;
  std::string id = f.request_access();
  EXPECT_EQ(f.call(verb::get, "/api/v1/reviews/" + id, stranger).result(), status::not_found);
  EXPECT_EQ(f.call(verb::get, "/api/v1/reviews/" + id, carol).result(), status::ok);
  auto listed = [&](const identity::principal& p, std::string query = "") {
    auto r = f.call(verb::get, "/api/v1/reviews" + query, p);
    EXPECT_EQ(r.result(), status::ok) << r.body();
    return f.body(r).at("reviews").as_array().size();
  };
  EXPECT_EQ(listed(agent), 1u);
  EXPECT_EQ(listed(carol, "?state=pending"), 1u);
  EXPECT_EQ(listed(carol, "?state=approved"), 0u);
  EXPECT_EQ(listed(stranger), 0u);
  EXPECT_EQ(listed(alice), 0u);  // reviews agents-read, not oncall-write
  auto bad = f.call(verb::get, "/api/v1/reviews?state=waiting", carol);
  EXPECT_EQ(bad.result(), status::bad_request);
  EXPECT_EQ(f.call(verb::get, "/api/v1/reviews?limit=0", carol).result(), status::bad_request);
  EXPECT_EQ(f.call(verb::get, "/api/v1/reviews?limit=abc", carol).result(), status::bad_request);
  EXPECT_EQ(f.call(verb::get, "/api/v1/reviews/r-000000000000", carol).result(), status::not_found);
  EXPECT_EQ(f.call(verb::post, "/api/v1/reviews/r-000000000000/approve", carol).result(),
            status::not_found);
}

TEST(http_api, statement_reviews_show_the_statement) {
  api_fixture f;
  auto id = f.board->open(f.statement_subject(), {});
  ASSERT_TRUE(id);
  auto r = f.call(verb::get, "/api/v1/reviews/" + *id, alice);
  ASSERT_EQ(r.result(), status::ok);
  auto v = f.body(r);
  EXPECT_EQ(text_of(v.at("kind")), "statement");
  EXPECT_EQ(text_of(v.at("statement")), "UPDATE orders SET total = 0 WHERE id = 7");
  EXPECT_EQ(text_of(v.at("class")), "write");
  EXPECT_EQ(text_of(v.at("connection")), "app");
  EXPECT_EQ(text_of(v.at("session")), "s-00000000000a");
  auto rejected =
      f.call(verb::post, "/api/v1/reviews/" + *id + "/reject", alice, R"({"comment": "no"})");
  EXPECT_EQ(text_of(f.body(rejected).at("state")), "rejected");
}

TEST(http_api, request_bodies_are_checked) {
  api_fixture f;
  auto post = [&](std::string body) {
    return f.call(verb::post, "/api/v1/grants/requests", agent, std::move(body));
  };
  EXPECT_EQ(post("not json").result(), status::bad_request);
  EXPECT_EQ(post("[1]").result(), status::bad_request);
  EXPECT_EQ(post(R"({"rule": 5, "duration": "30m", "reason": "x"})").result(), status::bad_request);
  EXPECT_EQ(post(R"({"duration": "30m", "reason": "x"})").result(), status::bad_request);
  EXPECT_EQ(post(R"({"rule": "oncall-write", "reason": "x"})").result(), status::bad_request);
  EXPECT_EQ(post(R"({"rule": "oncall-write", "duration": 1800, "reason": "x"})").result(),
            status::bad_request);
  EXPECT_EQ(post(R"({"rule": "oncall-write", "duration": "30", "reason": "x"})").result(),
            status::bad_request);
  EXPECT_EQ(post(R"({"rule": "oncall-write", "duration": "0s", "reason": "x"})").result(),
            status::bad_request);
  EXPECT_EQ(post(R"({"rule": "oncall-write", "duration": "30m"})").result(), status::bad_request);
  EXPECT_EQ(post(R"({"rule": "oncall-write", "duration": "30m", "reason": "  "})").result(),
            status::bad_request);
  auto too_long = post(R"({"rule": "oncall-write", "duration": "9h", "reason": "x"})");
  EXPECT_EQ(too_long.result(), status::bad_request);
  EXPECT_EQ(f.error(too_long), "too_long");
  EXPECT_NE(f.detail(too_long).find("at most 8h"), std::string::npos) << f.detail(too_long);
  auto not_jit = post(R"({"rule": "agents-read", "duration": "1h", "reason": "x"})");
  EXPECT_EQ(f.error(not_jit), "not_jit");
  auto unknown = post(R"({"rule": "root", "duration": "1h", "reason": "x"})");
  EXPECT_EQ(f.error(unknown), "unknown_rule");
  auto not_named = f.call(verb::post, "/api/v1/grants/requests", stranger,
                          R"({"rule": "oncall-write", "duration": "1h", "reason": "x"})");
  EXPECT_EQ(not_named.result(), status::forbidden);
  EXPECT_EQ(f.error(not_named), "not_a_principal");
  auto comment = f.call(verb::post, "/api/v1/reviews/r-1/approve", carol, R"({"comment": 3})");
  EXPECT_EQ(comment.result(), status::bad_request);
  EXPECT_EQ(f.board->pending_count(), 0u);
}

TEST(http_api, a_reviewer_adds_and_revokes_grants) {
  api_fixture f;
  auto added = f.call(
      verb::post, "/api/v1/grants", carol,
      R"({"principal": "chatgpt-agent", "rule": "oncall-write", "duration": "1h30m", "reason": "incident"})");
  ASSERT_EQ(added.result(), status::created) << added.body();
  auto g = f.body(added);
  std::string id(g.at("id").as_string());
  EXPECT_EQ(text_of(g.at("duration")), "1h30m");
  EXPECT_EQ(added[bhttp::field::location], "/api/v1/grants/" + id);

  auto self = f.call(verb::post, "/api/v1/grants", carol,
                     R"({"principal": "dba-carol", "rule": "oncall-write", "duration": "1h"})");
  EXPECT_EQ(self.result(), status::forbidden);
  EXPECT_EQ(f.error(self), "self_grant");
  auto by_agent =
      f.call(verb::post, "/api/v1/grants", agent,
             R"({"principal": "chatgpt-agent", "rule": "oncall-write", "duration": "1h"})");
  EXPECT_EQ(by_agent.result(), status::forbidden);
  EXPECT_EQ(f.error(by_agent), "not_a_reviewer");
  auto no_principal =
      f.call(verb::post, "/api/v1/grants", carol, R"({"rule": "oncall-write", "duration": "1h"})");
  EXPECT_EQ(no_principal.result(), status::bad_request);

  EXPECT_EQ(f.call(verb::get, "/api/v1/grants/" + id, stranger).result(), status::not_found);
  EXPECT_EQ(f.call(verb::get, "/api/v1/grants/" + id, agent).result(), status::ok);
  EXPECT_EQ(f.body(f.call(verb::get, "/api/v1/grants", stranger)).at("grants").as_array().size(),
            0u);

  auto denied = f.call(verb::delete_, "/api/v1/grants/" + id, stranger);
  EXPECT_EQ(denied.result(), status::forbidden);
  auto revoked = f.call(verb::delete_, "/api/v1/grants/" + id, carol);
  ASSERT_EQ(revoked.result(), status::ok) << revoked.body();
  EXPECT_EQ(text_of(f.body(revoked).at("revoked_by")), "dba-carol");
  EXPECT_EQ(text_of(f.body(revoked).at("active")), "false");
  auto again = f.call(verb::delete_, "/api/v1/grants/" + id, carol);
  EXPECT_EQ(again.result(), status::conflict);
  EXPECT_NE(f.detail(again).find("already revoked by dba-carol"), std::string::npos)
      << f.detail(again);
  EXPECT_EQ(f.call(verb::delete_, "/api/v1/grants/g-000000000000", carol).result(),
            status::not_found);
  EXPECT_EQ(
      f.body(f.call(verb::get, "/api/v1/grants?active=true", carol)).at("grants").as_array().size(),
      0u);
  EXPECT_EQ(f.body(f.call(verb::get, "/api/v1/grants?active=false", carol))
                .at("grants")
                .as_array()
                .size(),
            1u);
}

TEST(http_api, a_store_or_audit_failure_is_a_500_and_changes_nothing) {
  api_fixture f;
  std::string id = f.request_access();
  f.audit_works = false;
  auto r = f.call(verb::post, "/api/v1/reviews/" + id + "/approve", carol);
  EXPECT_EQ(r.result(), status::internal_server_error);
  EXPECT_EQ(f.error(r), "store_failed");
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now).rules.empty());
}

TEST(http_api, text_from_clients_is_valid_json) {
  api_fixture f;
  auto s = f.statement_subject();
  s.statement = "SELECT '\xff\xfe' \n -- \x01";
  auto id = f.board->open(s, {});
  auto r = f.call(verb::get, "/api/v1/reviews/" + *id, alice);
  ASSERT_EQ(r.result(), status::ok);
  EXPECT_EQ(text_of(f.body(r).at("statement")), "SELECT '\xEF\xBF\xBD\xEF\xBF\xBD' \n -- \x01");
}

TEST(http_api, a_principal_may_have_only_so_many_requests_waiting) {
  api_fixture f;
  for (int i = 0; i < 20; ++i) f.request_access();
  auto r = f.call(verb::post, "/api/v1/grants/requests", agent,
                  R"({"rule": "oncall-write", "duration": "30m", "reason": "again"})");
  EXPECT_EQ(r.result(), status::too_many_requests);
  EXPECT_EQ(f.error(r), "too_many_requests");
  // Others are not held back by one principal's requests.
  auto other = f.call(verb::post, "/api/v1/grants/requests", who("etl-bot", {"agents"}),
                      R"({"rule": "oncall-write", "duration": "30m", "reason": "x"})");
  EXPECT_EQ(other.result(), status::created);
}

TEST(http_api, webhook_events_leave_the_sql_out) {
  api_fixture f;
  auto id = f.board->open(f.statement_subject(), {});
  auto r = f.board->get(*id);
  auto e = json::parse(review_event_json(*r, "https://gw.example", f.now));
  EXPECT_EQ(text_of(e.at("event")), "review.pending");
  EXPECT_EQ(text_of(e.at("time")), "2027-01-15T08:00:00.000000Z");
  EXPECT_EQ(text_of(e.at("review").at("id")), *id);
  EXPECT_EQ(text_of(e.at("review").at("class")), "write");
  EXPECT_FALSE(e.at("review").as_object().contains("statement"));
  EXPECT_EQ(json::serialize(e).find("UPDATE orders"), std::string::npos);
  std::string text = text_of(e.at("text"));
  EXPECT_NE(text.find("chatgpt-agent waits for review " + *id), std::string::npos) << text;
  EXPECT_NE(text.find("https://gw.example/api/v1/reviews/" + *id), std::string::npos) << text;

  auto g = f.book->add("chatgpt-agent", "oncall-write", std::chrono::minutes(30), carol, "x");
  auto ge = json::parse(grant_event_json(*g, "started", f.now));
  EXPECT_EQ(text_of(ge.at("event")), "grant.started");
  EXPECT_EQ(text_of(ge.at("grant").at("id")), g->id);
  EXPECT_EQ(text_of(ge.at("grant").at("active")), "true");
}

TEST(http_api, unauthorized_asks_for_a_bearer_token) {
  auto r = unauthorized("who are you?");
  EXPECT_EQ(r.result(), status::unauthorized);
  EXPECT_EQ(r[bhttp::field::www_authenticate], "Bearer realm=\"gatehouse\"");
  EXPECT_EQ(text_of(json::parse(r.body()).at("error")), "unauthorized");
}

TEST(http_api, bearer_tokens_are_read_strictly) {
  auto token = [](std::string header) -> std::optional<std::string> {
    request req{verb::get, "/", 11};
    if (!header.empty()) req.set(bhttp::field::authorization, header);
    auto t = bearer_token(req);
    return t ? std::optional<std::string>(std::string(*t)) : std::nullopt;
  };
  EXPECT_EQ(token("Bearer gh_abc"), "gh_abc");
  EXPECT_EQ(token("bearer   gh_abc "), "gh_abc");
  EXPECT_EQ(token("BEARER eyJ.a.b"), "eyJ.a.b");
  EXPECT_FALSE(token(""));
  EXPECT_FALSE(token("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(token("Bearer"));
  EXPECT_FALSE(token("Bearer "));
  EXPECT_FALSE(token("Bearertoken"));
  EXPECT_FALSE(token("Bearer a b"));
}

}  // namespace
}  // namespace gh::http
