#include "http/records_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "audit/json_line.hpp"
#include "gateway/review_rows.hpp"

namespace gh::http {
namespace {

// Statements and names come from clients: invalid UTF-8 is replaced, so
// that every response is valid JSON text.
boost::json::string text(std::string_view s) { return boost::json::string(audit::valid_utf8(s)); }

boost::json::array texts(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& i : items) a.emplace_back(text(i));
  return a;
}

boost::json::value text_or_null(std::string_view s) {
  if (s.empty()) return nullptr;
  return text(s);
}

boost::json::value time_or_null(const std::optional<sys_time>& t) {
  if (!t) return nullptr;
  return boost::json::string(format_rfc3339(*t));
}

}  // namespace

boost::json::object to_json(const gateway::review_record& r, std::string_view public_url) {
  const gateway::review_subject& s = r.subject;
  boost::json::object o;
  o["id"] = r.id;
  o["kind"] = gateway::to_string(s.kind);
  o["state"] = gateway::to_string(r.state);
  o["principal"] = text(s.principal);
  o["groups"] = texts(s.groups);
  o["rule"] = text(s.rule);
  o["reviewers"] = texts(s.reviewers);
  if (s.kind == gateway::review_kind::statement) {
    o["session"] = text(s.session);
    o["client"] = text(s.client);
    o["connection"] = text(s.connection);
    o["statement"] = text(s.statement);
    o["class"] = text(s.cls);
    o["tables"] = texts(s.tables);
  } else {
    o["duration"] = gateway::duration_text(s.duration);
    o["duration_seconds"] = s.duration.count();
    o["reason"] = text(s.reason);
  }
  o["created"] = format_rfc3339(r.created);
  o["decided"] = time_or_null(r.decided);
  o["decided_by"] = text_or_null(r.decided_by);
  o["comment"] = text_or_null(r.comment);
  o["grant"] = text_or_null(r.grant_id);
  o["url"] = std::string(public_url) + "/api/v1/reviews/" + r.id;
  return o;
}

boost::json::object to_json(const gateway::grant_record& g, sys_time now) {
  boost::json::object o;
  o["id"] = g.id;
  o["principal"] = text(g.principal);
  o["rule"] = text(g.rule);
  o["from"] = format_rfc3339(g.from);
  o["until"] = format_rfc3339(g.until);
  o["duration"] =
      gateway::duration_text(std::chrono::duration_cast<std::chrono::seconds>(g.until - g.from));
  o["approver"] = text(g.approver);
  o["reason"] = text(g.reason);
  o["review"] = text_or_null(g.review_id);
  o["revoked"] = time_or_null(g.revoked);
  o["revoked_by"] = text_or_null(g.revoked_by);
  o["active"] = !g.revoked && g.from <= now && now < g.until;
  return o;
}

std::string review_event_json(const gateway::review_record& r, std::string_view public_url,
                              sys_time now) {
  const gateway::review_subject& s = r.subject;
  std::string url = std::string(public_url) + "/api/v1/reviews/" + r.id;
  std::string text;
  if (r.state == gateway::review_state::pending) {
    text = s.kind == gateway::review_kind::statement
               ? s.principal + " waits for review " + r.id + ": a " + s.cls + " statement on " +
                     s.connection + " (rule " + s.rule + ")"
               : s.principal + " asks for access under rule " + s.rule + " for " +
                     gateway::duration_text(s.duration) + " (review " + r.id + "): " + s.reason;
    text += " — gatehouse review approve " + r.id + " · " + url;
  } else {
    text = "review " + r.id + " (" + s.principal + ", rule " + s.rule + ") " +
           std::string(gateway::to_string(r.state));
    if (!r.decided_by.empty() && r.decided_by != "gatehouse") text += " by " + r.decided_by;
    if (!r.comment.empty()) text += ": " + r.comment;
  }
  // The SQL stays out of notifications: a webhook is often a third party's
  // (a chat service), and statements carry data. Reviewers read it through
  // the API, where the token decides who sees it.
  boost::json::object review = to_json(r, public_url);
  review.erase("statement");
  boost::json::object o{{"event", "review." + std::string(gateway::to_string(r.state))},
                        {"time", format_rfc3339(now)},
                        {"text", audit::valid_utf8(text)},
                        {"review", std::move(review)}};
  return boost::json::serialize(o);
}

std::string grant_event_json(const gateway::grant_record& g, std::string_view what, sys_time now) {
  std::string text = "grant " + g.id + ": " + g.principal + " under rule " + g.rule + " ";
  if (what == "started")
    text += "from now until " + format_rfc3339(g.until) + ", approved by " + g.approver;
  else if (what == "revoked")
    text += "revoked by " + g.revoked_by;
  else
    text += "expired";
  boost::json::object o{{"event", "grant." + std::string(what)},
                        {"time", format_rfc3339(now)},
                        {"text", audit::valid_utf8(text)},
                        {"grant", to_json(g, now)}};
  return boost::json::serialize(o);
}

}  // namespace gh::http
