// TLS for the connectors listener and for the connector dialing it. TLS is
// mandatory there: the connector presents its token inside it and must know
// it talks to the real gateway (docs/connectors.md).
#pragma once

#include <boost/asio/ssl.hpp>

#include <memory>
#include <string>

#include "config/config.hpp"
#include "gateway/net.hpp"

namespace gh::connector {

using tls_stream = net::asio::ssl::stream<net::tcp::socket>;

// The listener's context: gateway.connectors.tls, TLS 1.2 at least. Throws
// std::runtime_error naming the file (start-up code path).
std::shared_ptr<net::asio::ssl::context> make_listener_tls(const config::tls_files& files);

// The connector's context: verifies the gateway's certificate against the
// PEM file `ca` (empty: the system's trust store). TLS 1.2 at least. Throws
// std::runtime_error naming the file.
std::shared_ptr<net::asio::ssl::context> make_dialer_tls(const std::string& ca);

// TLS to a database (connections' `tls`, `tls_ca`), for the gateway and
// the connector alike: verify-ca and verify-full verify the chain against
// `ca` (empty: the system's trust store); prefer and require verify nothing,
// as libpq's modes of those names. Null for disable. Throws
// std::runtime_error naming the file.
std::shared_ptr<net::asio::ssl::context> make_database_tls(config::upstream_tls mode, const std::string& ca);

// At start: a warning for a connection to a database on another host whose
// certificate is not checked (tls other than verify-ca/verify-full).
void warn_if_unverified(const config::connection& c);

// Before the handshake: the name (or IP address) the gateway's certificate
// must carry, and SNI for names.
// False when `host` cannot be checked (a NUL in it, a scoped IPv6 address):
// then the caller must not go on.
[[nodiscard]] bool expect_peer_name(tls_stream& s, const std::string& host);

// After a failed handshake: why, in words an operator can act on
// ("certificate not trusted: unable to get local issuer certificate").
std::string handshake_failure(tls_stream& s, const net::error_code& ec);
// After a failed handshake: true when the peer's certificate was the reason.
bool certificate_refused(tls_stream& s);

}  // namespace gh::connector
