// Reviews and grants as the API shows them (docs/http-api.md): the same
// shapes in responses, in the webhook's events and in `--json` output.
#pragma once

#include <boost/json/object.hpp>

#include <string_view>

#include "gateway/grant_book.hpp"
#include "gateway/review_board.hpp"

namespace gh::http {

// `public_url` (gateway.http.public_url) makes the review's "url".
boost::json::object to_json(const gateway::review_record& r, std::string_view public_url);
// "active" is computed at `now`.
boost::json::object to_json(const gateway::grant_record& g, sys_time now);

}  // namespace gh::http

namespace gh::http {

// The webhook's events: {"event": "review.pending" | "review.approved" | ...
// | "grant.started" | "grant.revoked" | "grant.expired", "time", "text" (one
// line for chat), "review" | "grant": the record}. A statement review's SQL is
// left out: it may hold data, and webhooks often lead to a third party.
std::string review_event_json(const gateway::review_record& r, std::string_view public_url,
                              sys_time now);
std::string grant_event_json(const gateway::grant_record& g, std::string_view what, sys_time now);

}  // namespace gh::http
