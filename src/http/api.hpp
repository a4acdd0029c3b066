// The HTTP API's routes (docs/http-api.md), as a function from a request to
// a response. Authentication happens before (http/server.hpp): handle()
// gets the caller the bearer token named. The board and the book check who
// may decide or grant; this layer parses, checks who may *see* what, and
// maps their errors to statuses:
//
//   GET    /healthz                           no caller needed
//   GET    /metrics                           no caller needed (counts only)
//   GET    /api/v1/reviews[?state=&limit=]    reviews the caller asked for or may decide
//   GET    /api/v1/reviews/{id}
//   POST   /api/v1/reviews/{id}/approve       {"comment": "..."} optional
//   POST   /api/v1/reviews/{id}/reject
//   POST   /api/v1/grants/requests            {"rule", "duration", "reason"}: opens an access
//   review POST   /api/v1/grants                     {"principal", "rule", "duration", "reason"}
//   GET    /api/v1/grants[?active=true&principal=&rule=&limit=]
//   GET    /api/v1/grants/{id}
//   DELETE /api/v1/grants/{id}                revokes
//
// Handlers run on the HTTP thread and may wait on SQLite (reviews and grants
// are rare; the sessions' hot path never waits on this).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "gateway/change_hooks.hpp"
#include "gateway/review_board.hpp"
#include "gateway/sqlite_grant_book.hpp"
#include "http/message.hpp"
#include "identity/principal.hpp"

namespace gh::http {

struct api_context {
  gateway::review_board& reviews;
  gateway::sqlite_grant_book& grants;
  std::string public_url;  // gateway.http.public_url, no trailing '/'
  gateway::clock_fn clock;
  std::function<std::string()> metrics;  // the Prometheus text, rendered on demand
};

class api {
 public:
  explicit api(api_context ctx) : ctx_(std::move(ctx)) {}

  // The routes anyone may call (/healthz, /metrics); nullopt for every other
  // target, which needs a caller.
  std::optional<response> public_route(const request& req) const;
  // Every other route, for an authenticated caller.
  response handle(const request& req, const identity::principal& caller);

 private:
  response list_reviews(const request& req, const identity::principal& caller);
  response show_review(const std::string& id, const identity::principal& caller);
  response decide_review(const request& req, const std::string& id, bool approve,
                         const identity::principal& caller);
  response request_access(const request& req, const identity::principal& caller);
  response add_grant(const request& req, const identity::principal& caller);
  response list_grants(const request& req, const identity::principal& caller);
  response show_grant(const std::string& id, const identity::principal& caller);
  response revoke_grant(const std::string& id, const identity::principal& caller);

  api_context ctx_;
};

// Unauthenticated: 401 with WWW-Authenticate: Bearer, as RFC 6750 asks.
response unauthorized(std::string_view detail);

}  // namespace gh::http
