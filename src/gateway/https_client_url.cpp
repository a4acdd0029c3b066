#include "gateway/https_client_url.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace gh::gateway {
namespace {

namespace urls = boost::urls;

std::string_view view(urls::string_view s) { return {s.data(), s.size()}; }

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

expected<fetch_target, fetch_target_error> parse_fetch_target(std::string_view url) {
  auto parsed = urls::parse_absolute_uri(urls::string_view(url.data(), url.size()));
  if (!parsed) return unexpected(fetch_target_error::bad_url);
  const urls::url_view& u = *parsed;
  fetch_target t;
  if (u.scheme_id() == urls::scheme::https) t.https = true;
  else if (u.scheme_id() == urls::scheme::http) t.https = false;
  else return unexpected(fetch_target_error::bad_url);
  if (!u.has_authority() || u.has_userinfo() || u.encoded_host().empty())
    return unexpected(fetch_target_error::bad_url);
  switch (u.host_type()) {
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      t.host_is_ip = true;
      t.host = std::string(view(u.encoded_host_address()));
      break;
    case urls::host_type::name:
      // A percent-encoded name would be decoded differently by the resolver,
      // the SNI and the certificate check: refuse rather than guess.
      if (view(u.encoded_host()).find('%') != std::string_view::npos)
        return unexpected(fetch_target_error::bad_url);
      t.host = std::string(view(u.encoded_host()));
      break;
    default:
      return unexpected(fetch_target_error::bad_url);
  }
  if (u.has_port()) {
    if (u.port_number() == 0) return unexpected(fetch_target_error::bad_url);
    t.port = u.port_number();
  } else {
    t.port = t.https ? 443 : 80;
  }
  t.host_header = std::string(view(u.encoded_host_and_port()));
  t.request_target = u.encoded_path().empty() ? "/" : std::string(view(u.encoded_path()));
  if (u.has_query()) t.request_target += "?" + std::string(view(u.encoded_query()));
  if (!t.https && !is_loopback_host(t.host)) return unexpected(fetch_target_error::plain_http_refused);
  return t;
}

expected<std::string, fetch_target_error> resolve_location(std::string_view base,
                                                           std::string_view location) {
  auto b = urls::parse_absolute_uri(urls::string_view(base.data(), base.size()));
  auto ref = urls::parse_uri_reference(urls::string_view(location.data(), location.size()));
  if (!b || !ref) return unexpected(fetch_target_error::bad_url);
  urls::url out(*b);
  if (!out.resolve(*ref)) return unexpected(fetch_target_error::bad_url);
  out.remove_fragment();
  return std::string(view(out.buffer()));
}

}  // namespace gh::gateway
