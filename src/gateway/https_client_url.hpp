// Where an https_client request goes, from its URL: pure parsing and the
// same-origin rule for redirects, apart from the I/O so both can be tested
// without a network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace gh::gateway {

struct fetch_target {
  bool https = true;
  std::string host;            // DNS name, or IP address without brackets
  bool host_is_ip = false;
  std::uint16_t port = 443;
  std::string host_header;     // host[:port] as in the URL ("[::1]:8080")
  std::string request_target;  // path and query: "/jwks?x=1"

  bool same_origin(const fetch_target& o) const noexcept {
    return https == o.https && host == o.host && port == o.port;
  }
};

enum class fetch_target_error {
  bad_url,             // not an absolute http(s) URL with a host and port; user info
  plain_http_refused,  // http:// to a host that is not loopback
};

// `url` parsed. Plain http only when the host is "localhost" or a loopback
// IP address (the client also checks every address "localhost" resolves to).
expected<fetch_target, fetch_target_error> parse_fetch_target(std::string_view url);

// The absolute URL a Location header points to from `base` (RFC 3986 §5),
// without its fragment; bad_url when either is not one.
expected<std::string, fetch_target_error> resolve_location(std::string_view base,
                                                           std::string_view location);

// "localhost" or a loopback IPv4/IPv6 address.
bool is_loopback_host(std::string_view host);

}  // namespace gh::gateway
