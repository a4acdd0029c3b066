// GET /api/v1/reviews, GET /api/v1/reviews/{id}, POST .../{id}/approve|reject
#include <boost/json/array.hpp>

#include "gateway/review_rows.hpp"
#include "http/api.hpp"
#include "http/api_detail.hpp"
#include "http/records_json.hpp"
#include "policy/match.hpp"

namespace gh::http {
namespace {

constexpr std::size_t comment_max = 4096;

// A review is shown to whoever asked for it and to whoever may decide it;
// to anyone else it does not exist (404), so that statements and reasons
// are not read by every holder of a token.
bool may_see(const gateway::review_record& r, const identity::principal& caller) {
  return caller.name == r.subject.principal ||
         policy::names_someone(r.subject.reviewers, caller.name, caller.groups);
}

response not_found(std::string_view id) {
  return error_response(status::not_found, "not_found", "no review " + std::string(id));
}

std::string refusal_detail(gateway::review_error e, const std::string& id,
                           const std::optional<gateway::review_record>& r,
                           const identity::principal& caller) {
  using gateway::review_error;
  std::string reviewers = r ? detail::names(r->subject.reviewers) : std::string("unknown");
  switch (e) {
    case review_error::self_review:
      return "review " + id + " was requested by you (" + caller.name +
             "): a requester never decides its own review; ask one of its reviewers: " + reviewers;
    case review_error::not_a_reviewer:
      return "you (" + caller.name + ") are not a reviewer of review " + id + " (rule " +
             (r ? r->subject.rule : std::string("?")) + "); its reviewers are: " + reviewers;
    case review_error::not_pending: {
      if (!r) return "review " + id + " is no longer pending";
      std::string d = "review " + id + " is " + std::string(gateway::to_string(r->state));
      if (!r->decided_by.empty()) d += " (by " + r->decided_by + ")";
      return d + ": only a pending review can be decided";
    }
    case review_error::not_found:
      return "no review " + id;
    case review_error::store_failed:
      break;
  }
  return "the decision could not be stored or recorded in the audit log; nothing was decided";
}

}  // namespace

response api::list_reviews(const request& req, const identity::principal& caller) {
  auto t = detail::parse_target(req.target());
  std::optional<gateway::review_state> state;
  if (auto s = t->param("state"); s && *s != "all") {
    state = gateway::review_state_from(*s);
    if (!state)
      return detail::bad_request(
          "state is one of pending, approved, rejected, expired, cancelled, "
          "orphaned, all");
  }
  auto limit = detail::limit_param(*t, 100, 1000);
  if (!limit) return detail::bad_request(limit.error());
  // Filtering by visibility happens after the store's limit: read enough
  // that a reviewer of few rules still sees its newest reviews.
  boost::json::array out;
  for (const auto& r : ctx_.reviews.list(state, 10000)) {
    if (out.size() >= *limit) break;
    if (may_see(r, caller)) out.push_back(to_json(r, ctx_.public_url));
  }
  return json_response(status::ok, boost::json::object{{"reviews", std::move(out)}});
}

response api::show_review(const std::string& id, const identity::principal& caller) {
  auto r = ctx_.reviews.get(id);
  if (!r || !may_see(*r, caller)) return not_found(id);
  return json_response(status::ok, to_json(*r, ctx_.public_url));
}

response api::decide_review(const request& req, const std::string& id, bool approve,
                            const identity::principal& caller) {
  auto body = body_object(req);
  if (!body) return detail::bad_request(body.error());
  auto comment = string_member(*body, "comment");
  if (!comment) return detail::bad_request(comment.error());
  if (*comment && (*comment)->size() > comment_max)
    return detail::bad_request("comment is longer than " + std::to_string(comment_max) + " bytes");
  auto decided = ctx_.reviews.decide(id, approve, caller, comment->value_or(""));
  if (decided) return json_response(status::ok, to_json(*decided, ctx_.public_url));
  auto [code, name] = detail::status_of(decided.error());
  if (decided.error() == gateway::review_error::not_found) return not_found(id);
  return error_response(code, name,
                        refusal_detail(decided.error(), id, ctx_.reviews.get(id), caller));
}

}  // namespace gh::http
