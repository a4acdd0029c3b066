// The CLI's side of the HTTP API (`gatehouse review`, `gatehouse grant`):
// where the gateway is (--server, else GATEHOUSE_SERVER), who is asking
// (GATEHOUSE_TOKEN, never an argument: argv is visible to every user of the
// machine), and one call at a time with JSON in and out.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "http/client.hpp"

namespace gh::http {

struct api_reply {
  unsigned status = 0;
  boost::json::value body;  // null when the body was not JSON
  bool ok() const noexcept { return status >= 200 && status < 300; }
};

// The server's explanation of a refusal: "detail" (else "error"), else the
// status line.
std::string refusal_text(const api_reply& r);

class api_client {
 public:
  // `server` from --server, else the environment (GATEHOUSE_SERVER); the
  // token from GATEHOUSE_TOKEN; GATEHOUSE_CA optionally names the CA file
  // for an https server. The error says what is missing.
  static expected<api_client, std::string> from_environment(std::optional<std::string> server);

  expected<api_reply, std::string> call(verb method, std::string_view path,
                                        const boost::json::object* body = nullptr) const;

 private:
  api_client(url_parts base, std::string token, client_options options)
      : base_(std::move(base)), token_(std::move(token)), options_(std::move(options)) {}

  url_parts base_;
  std::string token_;
  client_options options_;
};

}  // namespace gh::http
