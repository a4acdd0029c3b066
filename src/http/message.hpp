// The HTTP API's requests and responses as values (Beast string bodies), and
// the JSON helpers every handler uses: handlers take a request and return a
// response (STYLE.md §10), so that tests need no socket.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace gh::http {

namespace bhttp = boost::beast::http;
using request = bhttp::request<bhttp::string_body>;
using response = bhttp::response<bhttp::string_body>;
using status = bhttp::status;
using verb = bhttp::verb;

// `value` serialised, with Content-Type application/json.
response json_response(status s, const boost::json::value& value);
// {"error": code, "detail": text}: `code` is stable for scripts, `detail`
// says what happened and what to do, for people.
response error_response(status s, std::string_view code, std::string_view detail);

// The request body as a JSON object. An empty body is an empty object (so
// that `approve` needs none); anything else that is not an object is an
// error saying why.
expected<boost::json::object, std::string> body_object(const request& req);

// A string member of `o`: nullopt when absent or null; an error when present
// with another type.
expected<std::optional<std::string>, std::string> string_member(const boost::json::object& o,
                                                                std::string_view key);

}  // namespace gh::http
