#include "wire/mysql/handshake.hpp"

#include <algorithm>

#include "wire/mysql/payload.hpp"

namespace gh::wire::mysql {
namespace {

unexpected<codec_error> fail(codec_error e) { return unexpected<codec_error>(e); }

constexpr std::size_t ssl_request_size = 32;

// The 32 bytes an SSLRequest and a HandshakeResponse41 share.
bool read_fixed_part(payload_reader& r, handshake_response& out) {
  std::uint32_t low = 0, extended = 0;
  if (!r.u32(low) || !r.u32(out.max_packet_size) || !r.u8(out.collation) || !r.skip(19) ||
      !r.u32(extended))
    return false;
  out.caps = low;
  // Extended capabilities count only when the client is a MariaDB client,
  // which it says by clearing CLIENT_MYSQL.
  if (!(low & cap::long_password)) out.caps |= capabilities{extended} << 32;
  return true;
}

void write_fixed_part(payload_builder& b, const handshake_response& r) {
  b.u32(static_cast<std::uint32_t>(r.caps)).u32(r.max_packet_size).u8(r.collation).zeros(19);
  b.u32((r.caps & cap::long_password) ? 0 : static_cast<std::uint32_t>(r.caps >> 32));
}

bool read_attributes(payload_reader& r, handshake_response& out) {
  std::string_view block;
  if (!r.lenenc_string(block)) return false;
  payload_reader a(block);
  while (!a.done()) {
    std::string_view k, v;
    if (!a.lenenc_string(k) || !a.lenenc_string(v)) return false;
    out.attributes.emplace_back(k, v);
  }
  return true;
}

}  // namespace

expected<handshake_v10, codec_error> decode_handshake(bytes_view payload) {
  payload_reader r(payload);
  handshake_v10 h;
  std::uint8_t version = 0, filler = 0, data_len = 0;
  std::uint16_t caps_low = 0, caps_high = 0;
  std::uint32_t extended = 0;
  std::string_view s, part1;
  if (!r.u8(version)) return fail(codec_error::truncated);
  if (version != 10) return fail(codec_error::bad_value);
  if (!r.nul_string(s)) return fail(codec_error::missing_terminator);
  h.server_version = s;
  if (!r.u32(h.connection_id) || !r.bytes(8, part1) || !r.u8(filler) || !r.u16(caps_low))
    return fail(codec_error::truncated);
  h.auth_plugin_data = part1;
  h.caps = caps_low;
  if (r.done()) return h;  // a pre-4.1 server stops here
  if (!r.u8(h.collation) || !r.u16(h.status) || !r.u16(caps_high) || !r.u8(data_len) ||
      !r.skip(6) || !r.u32(extended))
    return fail(codec_error::truncated);
  h.caps |= capabilities{caps_high} << 16;
  if (!(h.caps & cap::long_password)) h.caps |= capabilities{extended} << 32;
  if (h.caps & cap::secure_connection) {
    const std::size_t n = data_len > 8 ? std::max<std::size_t>(13, data_len - 8) : 13;
    std::string_view part2;
    if (!r.bytes(std::min(n, r.remaining()), part2)) return fail(codec_error::truncated);
    if (!part2.empty() && part2.back() == '\0') part2.remove_suffix(1);
    h.auth_plugin_data += part2;
  }
  if (h.caps & cap::plugin_auth) {
    // Some servers (MySQL 5.5.7 - 5.5.9) end the name with the packet.
    if (!r.nul_string(s)) s = r.rest();
    h.auth_plugin_name = s;
  }
  return h;
}

void encode_handshake_payload(std::string& out, const handshake_v10& h) {
  payload_builder b(out);
  const std::string_view data = h.auth_plugin_data;
  b.u8(10).nul_string(h.server_version).u32(h.connection_id).raw(data.substr(0, 8)).u8(0);
  b.u16(static_cast<std::uint16_t>(h.caps)).u8(h.collation).u16(h.status);
  b.u16(static_cast<std::uint16_t>(h.caps >> 16));
  b.u8(static_cast<std::uint8_t>(data.size() + 1)).zeros(6);
  b.u32((h.caps & cap::long_password) ? 0 : static_cast<std::uint32_t>(h.caps >> 32));
  std::string part2(data.size() > 8 ? data.substr(8) : std::string_view());
  part2.resize(std::max<std::size_t>(12, part2.size()), '\0');
  b.nul_string(part2).nul_string(h.auth_plugin_name);
}

bool is_ssl_request(bytes_view payload) noexcept {
  if (payload.size() != ssl_request_size) return false;
  payload_reader r(payload);
  std::uint32_t caps = 0;
  return r.u32(caps) && (caps & cap::ssl);
}

expected<handshake_response, codec_error> decode_ssl_request(bytes_view payload) {
  payload_reader r(payload);
  handshake_response out;
  if (!read_fixed_part(r, out)) return fail(codec_error::truncated);
  if (!r.done()) return fail(codec_error::trailing_bytes);
  if (!(out.caps & cap::ssl)) return fail(codec_error::bad_value);
  return out;
}

expected<handshake_response, codec_error> decode_handshake_response(bytes_view payload) {
  payload_reader r(payload);
  handshake_response out;
  if (!read_fixed_part(r, out)) return fail(codec_error::truncated);
  if (!(out.caps & cap::protocol_41)) return fail(codec_error::bad_value);  // 3.20 protocol: refused
  if (!r.nul_string(out.user)) return fail(codec_error::missing_terminator);
  if (out.caps & cap::plugin_auth_lenenc_client_data) {
    if (!r.lenenc_string(out.auth_response)) return fail(codec_error::truncated);
  } else if (out.caps & cap::secure_connection) {
    std::uint8_t n = 0;
    if (!r.u8(n) || !r.bytes(n, out.auth_response)) return fail(codec_error::truncated);
  } else if (!r.nul_string(out.auth_response)) {
    return fail(codec_error::missing_terminator);
  }
  // A field the capabilities announce must be there: a gateway reads what
  // the client said, never a default in place of what it did not.
  if ((out.caps & cap::connect_with_db) && !r.nul_string(out.database))
    return fail(codec_error::missing_terminator);
  if ((out.caps & cap::plugin_auth) && !r.nul_string(out.auth_plugin))
    return fail(codec_error::missing_terminator);
  if ((out.caps & cap::connect_attrs) && !read_attributes(r, out)) return fail(codec_error::truncated);
  // MySQL 8's zstd level byte is never negotiated (trackable_capabilities).
  if (!r.done()) return fail(codec_error::trailing_bytes);
  return out;
}

void encode_ssl_request_payload(std::string& out, const handshake_response& r) {
  payload_builder b(out);
  write_fixed_part(b, r);
}

void encode_handshake_response_payload(std::string& out, const handshake_response& r) {
  payload_builder b(out);
  write_fixed_part(b, r);
  b.nul_string(r.user);
  if (r.caps & cap::plugin_auth_lenenc_client_data) b.lenenc_string(r.auth_response);
  else if (r.caps & cap::secure_connection)
    b.u8(static_cast<std::uint8_t>(r.auth_response.size())).raw(r.auth_response.substr(0, 255));
  else b.nul_string(r.auth_response);
  if (r.caps & cap::connect_with_db) b.nul_string(r.database);
  if (r.caps & cap::plugin_auth) b.nul_string(r.auth_plugin);
  if (r.caps & cap::connect_attrs) {
    std::string attrs;
    payload_builder a(attrs);
    for (const auto& [k, v] : r.attributes) a.lenenc_string(k).lenenc_string(v);
    b.lenenc_string(attrs);
  }
}

}  // namespace gh::wire::mysql
