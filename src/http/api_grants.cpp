// POST /api/v1/grants/requests, POST|GET /api/v1/grants, GET|DELETE /api/v1/grants/{id}
#include <boost/json/array.hpp>

#include "config/values.hpp"
#include "gateway/review_rows.hpp"
#include "http/api.hpp"
#include "http/api_detail.hpp"
#include "http/records_json.hpp"
#include "policy/match.hpp"

namespace gh::http {
namespace {

constexpr std::size_t reason_max = 4096;
// Access requests one principal may have waiting at once: each is a row, an
// audit event and a notification, so an agent in a loop must not flood them.
constexpr std::size_t pending_requests_max = 20;

// A grant is shown to its holder and to the reviewers of its rule.
bool may_see(const gateway::sqlite_grant_book& book, const gateway::grant_record& g,
             const identity::principal& caller) {
  if (caller.name == g.principal) return true;
  const policy::rule* r = book.rule(g.rule);
  return r && policy::is_reviewer(*r, caller.name, caller.groups);
}

struct grant_fields {
  std::string rule;
  std::chrono::seconds duration{0};
  std::string reason;
};

// {"rule", "duration", "reason"} as both POSTs take them.
expected<grant_fields, std::string> read_fields(const boost::json::object& body,
                                                bool reason_required) {
  grant_fields f;
  auto rule = string_member(body, "rule");
  if (!rule) return unexpected(rule.error());
  if (!*rule || (*rule)->empty())
    return unexpected(std::string("\"rule\" is required: the jit rule's name"));
  f.rule = **rule;
  auto duration = string_member(body, "duration");
  if (!duration) return unexpected(duration.error() + " such as \"30m\"");
  if (!*duration)
    return unexpected(std::string("\"duration\" is required, such as \"30m\" or \"1h30m\""));
  auto d = config::parse_duration(**duration);
  if (!d || d->count() <= 0)
    return unexpected(
        "\"duration\" must be a positive duration such as \"30m\" or \"1h30m\" (units d h m s), "
        "got " +
        config::quote_value(**duration));
  f.duration = *d;
  auto reason = string_member(body, "reason");
  if (!reason) return unexpected(reason.error());
  f.reason = reason->value_or("");
  if (reason_required && f.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return unexpected(std::string("\"reason\" is required: say why the access is needed"));
  if (f.reason.size() > reason_max)
    return unexpected("\"reason\" is longer than " + std::to_string(reason_max) + " bytes");
  return f;
}

std::string grant_detail(gateway::grant_error e, const gateway::sqlite_grant_book& book,
                         const std::string& rule, std::chrono::seconds asked,
                         const identity::principal& caller) {
  using gateway::grant_error;
  const policy::rule* r = book.rule(rule);
  switch (e) {
    case grant_error::unknown_rule:
      return "no rule named " + rule;
    case grant_error::not_jit:
      return "rule " + rule + " is not a jit rule: it is in force without a grant";
    case grant_error::too_long:
      return "rule " + rule + " grants at most " +
             gateway::duration_text(r && r->jit_max ? *r->jit_max : asked) +
             " (its jit max); asked for " + gateway::duration_text(asked);
    case grant_error::bad_duration:
      return "the duration must be positive";
    case grant_error::not_a_principal:
      return "rule " + rule + " does not name you (" + caller.name +
             "): a grant under it would give you nothing; ask an administrator";
    case grant_error::not_a_reviewer:
      return "you (" + caller.name + ") are not a reviewer of rule " + rule +
             "; its reviewers are: " + (r ? detail::names(r->reviewers) : std::string("nobody"));
    case grant_error::self_grant:
      return "you may not grant yourself access: ask another reviewer of rule " + rule + " (" +
             (r ? detail::names(r->reviewers) : std::string("nobody")) + ")";
    default:
      break;
  }
  return std::string(gateway::describe(e));
}

response grant_refusal(gateway::grant_error e, std::string detail_text) {
  auto [code, name] = detail::status_of(e);
  return error_response(code, name, detail_text);
}

}  // namespace

response api::request_access(const request& req, const identity::principal& caller) {
  auto body = body_object(req);
  if (!body) return detail::bad_request(body.error());
  auto f = read_fields(*body, /*reason_required=*/true);
  if (!f) return detail::bad_request(f.error());
  auto subject = ctx_.grants.access_request(caller, f->rule, f->duration, f->reason);
  if (!subject)
    return grant_refusal(subject.error(),
                         grant_detail(subject.error(), ctx_.grants, f->rule, f->duration, caller));
  std::size_t waiting = 0;
  for (const auto& r : ctx_.reviews.list(gateway::review_state::pending, 100000))
    if (r.subject.kind == gateway::review_kind::access && r.subject.principal == caller.name)
      ++waiting;
  if (waiting >= pending_requests_max)
    return error_response(status::too_many_requests, "too_many_requests",
                          "you (" + caller.name + ") already have " + std::to_string(waiting) +
                              " access requests waiting for a reviewer; wait for a decision");
  // Nobody waits on an access review in memory: approval makes the grant.
  auto id = ctx_.reviews.open(std::move(*subject), {});
  if (!id) {
    auto [code, name] = detail::status_of(id.error());
    return error_response(code, name,
                          "the request could not be stored or recorded in the audit log");
  }
  auto r = ctx_.reviews.get(*id);
  if (!r)
    return error_response(status::internal_server_error, "store_failed",
                          "the request was stored but cannot be read back");
  response res = json_response(status::created, to_json(*r, ctx_.public_url));
  res.set(bhttp::field::location, "/api/v1/reviews/" + *id);
  return res;
}

response api::add_grant(const request& req, const identity::principal& caller) {
  auto body = body_object(req);
  if (!body) return detail::bad_request(body.error());
  auto principal = string_member(*body, "principal");
  if (!principal) return detail::bad_request(principal.error());
  if (!*principal || !config::is_principal_name(**principal))
    return detail::bad_request(
        "\"principal\" is required: the name the grant is for (no spaces or control characters)");
  auto f = read_fields(*body, /*reason_required=*/false);
  if (!f) return detail::bad_request(f.error());
  auto g = ctx_.grants.add(**principal, f->rule, f->duration, caller, f->reason);
  if (!g)
    return grant_refusal(g.error(),
                         grant_detail(g.error(), ctx_.grants, f->rule, f->duration, caller));
  response res = json_response(status::created, to_json(*g, ctx_.clock()));
  res.set(bhttp::field::location, "/api/v1/grants/" + g->id);
  return res;
}

response api::list_grants(const request& req, const identity::principal& caller) {
  auto t = detail::parse_target(req.target());
  gateway::grant_filter f;
  if (auto a = t->param("active")) {
    if (*a != "true" && *a != "false") return detail::bad_request("active is true or false");
    f.active_only = *a == "true";
  }
  f.principal = t->param("principal");
  f.rule = t->param("rule");
  auto limit = detail::limit_param(*t, 100, 1000);
  if (!limit) return detail::bad_request(limit.error());
  f.limit = 10000;
  auto grants = ctx_.grants.list(f);
  if (!grants) return grant_refusal(grants.error(), "the grants could not be read");
  sys_time now = ctx_.clock();
  boost::json::array out;
  for (const auto& g : *grants) {
    if (out.size() >= *limit) break;
    if (may_see(ctx_.grants, g, caller)) out.push_back(to_json(g, now));
  }
  return json_response(status::ok, boost::json::object{{"grants", std::move(out)}});
}

response api::show_grant(const std::string& id, const identity::principal& caller) {
  auto g = ctx_.grants.get(id);
  if (!g) return grant_refusal(g.error(), "the grant could not be read");
  if (!*g || !may_see(ctx_.grants, **g, caller))
    return error_response(status::not_found, "not_found", "no grant " + id);
  return json_response(status::ok, to_json(**g, ctx_.clock()));
}

response api::revoke_grant(const std::string& id, const identity::principal& caller) {
  auto g = ctx_.grants.revoke(id, caller);
  if (g) return json_response(status::ok, to_json(*g, ctx_.clock()));
  using gateway::grant_error;
  if (g.error() == grant_error::not_found)
    return error_response(status::not_found, "not_found", "no grant " + id);
  auto current = ctx_.grants.get(id);
  const gateway::grant_record* rec = current && *current ? &**current : nullptr;
  std::string text;
  if (g.error() == grant_error::already_revoked && rec) {
    text = rec->revoked ? "grant " + id + " was already revoked by " + rec->revoked_by + " at " +
                              format_rfc3339(*rec->revoked)
                        : "grant " + id + " already ended at " + format_rfc3339(rec->until);
  } else if (g.error() == grant_error::not_a_reviewer && rec) {
    const policy::rule* r = ctx_.grants.rule(rec->rule);
    text = "you (" + caller.name + ") may not revoke grant " + id +
           ": only its holder and the reviewers of rule " + rec->rule + " (" +
           (r ? detail::names(r->reviewers) : std::string("nobody")) + ") may";
  } else {
    text = std::string(gateway::describe(g.error()));
  }
  return grant_refusal(g.error(), text);
}

}  // namespace gh::http
