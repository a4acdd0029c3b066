// A small HTTP(S) client for the CLI and the webhook: one request, one
// response, on a private io_context, with one deadline for the whole
// exchange. Synchronous to the caller.
//
// HTTPS verifies the server's certificate (the system's trust store, or
// `ca_file`) and its name. Error texts name the scheme, host and port only,
// never the path or query (a webhook URL carries its credential there) nor
// the token.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "common/expected.hpp"
#include "http/message.hpp"

namespace gh::http {

struct client_options {
  std::chrono::milliseconds timeout{30000};
  std::string ca_file;                   // PEM; empty: the system's trust store
  std::size_t response_max = 16u << 20;  // bytes of body accepted
};

struct client_reply {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// The parts of an http(s) URL a request needs.
struct url_parts {
  bool https = false;
  std::string host;            // without brackets
  std::string port;            // "80" / "443" by default
  std::string target;          // path and query, at least "/"
  std::string origin() const;  // "https://host:port": safe to log
};
expected<url_parts, std::string> parse_url(std::string_view url);

// Sends `method` to `base` (a URL) joined with `path` (appended to the URL's
// own path), with `body` as JSON when not empty and `bearer` as the
// Authorization when not empty.
expected<client_reply, std::string> send(const url_parts& base, verb method, std::string_view path,
                                         std::string body, const std::string& bearer,
                                         const client_options& options = {});

}  // namespace gh::http
