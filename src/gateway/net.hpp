// Asio names shared by the I/O layers (gateway, connector, http). Asio is
// compiled once in src/common/asio_impl.cpp; including this only declares.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gh::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
template <class T = void>
using awaitable = asio::awaitable<T>;

// Completion token that reports errors as values: expected conditions (EOF,
// reset, cancellation) are not exceptions (STYLE.md §10).
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Writes what a non-blocking socket takes now and returns the rest, for an
// async_write; `ec` is set only for a real error (not for a full buffer).
// The relays write this way: no operation through the io_context and no
// coroutine resumed per write in the common case.
inline asio::const_buffer write_now(tcp::socket& s, asio::const_buffer bytes, error_code& ec) {
  std::size_t n = s.write_some(bytes, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) ec.clear();
  return ec ? bytes : bytes + n;
}

}  // namespace gh::net
