#include "gateway/mysql_io.hpp"

#include "wire/mysql/constants.hpp"
#include "wire/mysql/payload.hpp"

namespace gh::gateway {

namespace mysql = wire::mysql;

net::awaitable<expected<mysql::message_frame, mysql_read_error>> read_mysql_message(
    mysql_stream& s, io_buffer& buf, std::size_t max_payload) {
  // Headers included: a message of max_payload bytes needs a few more.
  const std::size_t limit = max_payload + 4 * (max_payload / mysql::max_packet_payload + 2);
  for (;;) {
    mysql::message_frame f = mysql::next_message(buf.readable(), max_payload);
    if (f.status == mysql::frame_status::ready) co_return f;
    if (f.status == mysql::frame_status::error) co_return unexpected(mysql_read_error::malformed);
    if (!buf.make_room(limit)) co_return unexpected(mysql_read_error::malformed);
    auto [ec, n] = co_await s.read_some(net::asio::buffer(buf.write_ptr(), buf.write_space()));
    if (ec) co_return unexpected(mysql_read_error::closed);
    buf.commit(n);
  }
}

namespace {

// Fills `into` whole from the stream.
net::awaitable<bool> read_exactly(mysql_stream& s, char* into, std::size_t n) {
  while (n > 0) {
    auto [ec, got] = co_await s.read_some(net::asio::buffer(into, n));
    if (ec) co_return false;
    into += got;
    n -= got;
  }
  co_return true;
}

}  // namespace

net::awaitable<expected<mysql_packet, mysql_read_error>> read_mysql_packet_exact(mysql_stream& s,
                                                                                std::size_t max_payload) {
  char header[4];
  if (!co_await read_exactly(s, header, sizeof header)) co_return unexpected(mysql_read_error::closed);
  const auto length = static_cast<std::size_t>(mysql::load_le(reinterpret_cast<const std::uint8_t*>(header), 3));
  if (length > max_payload || length >= mysql::max_packet_payload) co_return unexpected(mysql_read_error::malformed);
  mysql_packet p;
  p.sequence = static_cast<std::uint8_t>(header[3]);
  p.payload.resize(length);
  if (!co_await read_exactly(s, p.payload.data(), length)) co_return unexpected(mysql_read_error::closed);
  co_return p;
}

bytes_view mysql_payload(const io_buffer& buf, const mysql::message_frame& f, std::string& scratch) {
  if (f.packets == 1) return buf.readable().subspan(4, f.payload_size);
  scratch.clear();
  mysql::append_payload(buf.readable(), f, scratch);
  return as_bytes(scratch);
}

net::awaitable<net::error_code> write_mysql_message(mysql_stream& s, std::uint8_t seq, std::string_view payload) {
  std::string out;
  mysql::encode_packets(out, seq, payload);
  co_return co_await s.write(out);
}

}  // namespace gh::gateway
