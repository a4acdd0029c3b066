#include "connector/dialer.hpp"

#include <boost/asio/connect.hpp>

#include "connector/frame_io.hpp"
#include "connector/timing.hpp"

namespace gh::connector {

namespace asio = net::asio;
using net::tcp;
using net::use_nothrow;

net::awaitable<expected<std::unique_ptr<tls_stream>, dial_failure>> dial_gateway(
    runtime& rt, const wire::connector::preamble& p) {
  auto ex = co_await asio::this_coro::executor;
  auto stream = std::make_unique<tls_stream>(tcp::socket(ex), *rt.tls);
  watchdog dog(ex, stream->next_layer());
  dog.arm(handshake_timeout);
  const auto late = [&](std::string what) { return dog.fired() ? std::string("timed out") : std::move(what); };

  tcp::resolver resolver(ex);
  auto [rec, endpoints] =
      co_await resolver.async_resolve(rt.cfg.gateway_host, std::to_string(rt.cfg.gateway_port), use_nothrow);
  if (rec) co_return unexpected(dial_failure{false, "cannot resolve " + rt.cfg.gateway_host + ": " + rec.message()});
  auto [cec, ep] = co_await asio::async_connect(stream->next_layer(), endpoints, use_nothrow);
  if (cec) co_return unexpected(dial_failure{false, late("cannot connect: " + cec.message())});
  net::error_code ignored;
  stream->next_layer().set_option(tcp::no_delay(true), ignored);

  if (auto ec = co_await write_all(stream->next_layer(), wire::connector::encode_preamble(p)))
    co_return unexpected(dial_failure{false, late("connection lost: " + ec.message())});
  if (!expect_peer_name(*stream, rt.cfg.gateway_host))
    co_return unexpected(dial_failure{true, "the gateway's host \"" + rt.cfg.gateway_host +
                                                "\" cannot be checked against its certificate"});
  auto [hec] = co_await stream->async_handshake(asio::ssl::stream_base::client, use_nothrow);
  if (hec) {
    if (dog.fired()) co_return unexpected(dial_failure{false, "TLS handshake timed out"});
    co_return unexpected(
        dial_failure{certificate_refused(*stream), "TLS handshake failed: " + handshake_failure(*stream, hec)});
  }
  dog.disarm();
  if (dog.fired()) co_return unexpected(dial_failure{false, "timed out"});
  co_return std::move(stream);
}

}  // namespace gh::connector
