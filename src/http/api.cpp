#include "http/api.hpp"

#include <boost/url/parse.hpp>

#include <vector>

#include "http/api_detail.hpp"

namespace gh::http {

response unauthorized(std::string_view detail) {
  response res = error_response(status::unauthorized, "unauthorized", detail);
  res.set(bhttp::field::www_authenticate, "Bearer realm=\"gatehouse\"");
  return res;
}

namespace detail {

std::optional<target> parse_target(std::string_view text) {
  auto u = boost::urls::parse_origin_form(text);
  if (!u) return std::nullopt;
  target t;
  for (auto seg : u->segments()) t.path.push_back(seg);
  // "/api/v1/reviews/" and "/api/v1/reviews" are the same resource.
  if (!t.path.empty() && t.path.back().empty()) t.path.pop_back();
  for (auto p : u->params()) t.query.emplace_back(p.key, p.has_value ? p.value : std::string());
  return t;
}

std::optional<std::string> target::param(std::string_view key) const {
  for (const auto& [k, v] : query)
    if (k == key) return v;
  return std::nullopt;
}

expected<std::size_t, std::string> limit_param(const target& t, std::size_t fallback,
                                               std::size_t max) {
  auto v = t.param("limit");
  if (!v) return fallback;
  std::size_t n = 0;
  if (v->empty() || v->size() > 9)
    return unexpected(std::string("limit must be a number from 1 to ") + std::to_string(max));
  for (char c : *v) {
    if (c < '0' || c > '9')
      return unexpected(std::string("limit must be a number from 1 to ") + std::to_string(max));
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n == 0 || n > max)
    return unexpected(std::string("limit must be a number from 1 to ") + std::to_string(max));
  return n;
}

response method_not_allowed(std::string_view allow) {
  response res = error_response(status::method_not_allowed, "method_not_allowed",
                                "this resource answers " + std::string(allow));
  res.set(bhttp::field::allow, allow);
  return res;
}

response bad_request(std::string_view detail) {
  return error_response(status::bad_request, "bad_request", detail);
}

std::string names(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "nobody" : out;
}

}  // namespace detail

std::optional<response> api::public_route(const request& req) const {
  auto t = detail::parse_target(req.target());
  if (!t || t->path.size() != 1) return std::nullopt;
  const std::string& what = t->path[0];
  if (what != "healthz" && what != "metrics") return std::nullopt;
  if (req.method() != verb::get && req.method() != verb::head)
    return detail::method_not_allowed("GET, HEAD");
  response res{status::ok, 11};
  res.set(bhttp::field::cache_control, "no-store");
  if (what == "healthz") {
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    res.body() = "ok\n";
  } else {
    res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = ctx_.metrics ? ctx_.metrics() : std::string();
  }
  res.prepare_payload();
  return res;
}

response api::handle(const request& req, const identity::principal& caller) {
  auto t = detail::parse_target(req.target());
  if (!t) return detail::bad_request("the request target is not a valid path");
  const auto& p = t->path;
  auto is = [&](std::initializer_list<std::string_view> prefix) {
    if (p.size() < prefix.size()) return false;
    std::size_t i = 0;
    for (auto s : prefix)
      if (p[i++] != s) return false;
    return true;
  };
  verb m = req.method();
  if (is({"api", "v1", "reviews"})) {
    if (p.size() == 3)
      return m == verb::get ? list_reviews(req, caller) : detail::method_not_allowed("GET");
    if (p.size() == 4)
      return m == verb::get ? show_review(p[3], caller) : detail::method_not_allowed("GET");
    if (p.size() == 5 && (p[4] == "approve" || p[4] == "reject"))
      return m == verb::post ? decide_review(req, p[3], p[4] == "approve", caller)
                             : detail::method_not_allowed("POST");
  } else if (is({"api", "v1", "grants"})) {
    if (p.size() == 3) {
      if (m == verb::get) return list_grants(req, caller);
      if (m == verb::post) return add_grant(req, caller);
      return detail::method_not_allowed("GET, POST");
    }
    if (p.size() == 4 && p[3] == "requests")
      return m == verb::post ? request_access(req, caller) : detail::method_not_allowed("POST");
    if (p.size() == 4) {
      if (m == verb::get) return show_grant(p[3], caller);
      if (m == verb::delete_) return revoke_grant(p[3], caller);
      return detail::method_not_allowed("GET, DELETE");
    }
  }
  return error_response(status::not_found, "not_found", "no such resource: see docs/http-api.md");
}

}  // namespace gh::http
