#include "http/message.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace gh::http {

response json_response(status s, const boost::json::value& value) {
  response res{s, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = boost::json::serialize(value);
  res.body() += '\n';
  res.prepare_payload();
  return res;
}

response error_response(status s, std::string_view code, std::string_view detail) {
  return json_response(s, boost::json::object{{"error", code}, {"detail", detail}});
}

expected<boost::json::object, std::string> body_object(const request& req) {
  if (req.body().find_first_not_of(" \t\r\n") == std::string::npos) return boost::json::object{};
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(req.body(), ec);
  if (ec) return unexpected("the body is not JSON: " + ec.message());
  if (!v.is_object()) return unexpected(std::string("the body must be a JSON object"));
  return std::move(v.as_object());
}

expected<std::optional<std::string>, std::string> string_member(const boost::json::object& o,
                                                                std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) return unexpected("\"" + std::string(key) + "\" must be a string");
  return std::optional<std::string>(std::string(it->value().as_string()));
}

}  // namespace gh::http
