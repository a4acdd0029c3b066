#include "wire/mysql/framing.hpp"

#include <algorithm>

#include "wire/mysql/constants.hpp"

namespace gh::wire::mysql {

std::string_view describe(codec_error e) noexcept {
  switch (e) {
    case codec_error::length_too_large: return "packet longer than the limit";
    case codec_error::bad_sequence: return "continuation packet out of sequence";
    case codec_error::truncated: return "field runs past the end of the packet";
    case codec_error::missing_terminator: return "string without its terminating NUL";
    case codec_error::bad_value: return "field value not allowed by the protocol";
    case codec_error::trailing_bytes: return "unexpected bytes after the last field";
    case codec_error::unexpected_message: return "message not expected at this point";
  }
  return "malformed packet";
}

namespace {

std::size_t payload_length(const std::uint8_t* p) noexcept {
  return std::size_t{p[0]} | (std::size_t{p[1]} << 8) | (std::size_t{p[2]} << 16);
}

}  // namespace

packet_frame next_packet(bytes_view in, std::size_t max_payload) noexcept {
  packet_frame f;
  if (in.size() < 4) return f;
  const std::size_t len = payload_length(in.data());
  if (len > max_payload) {
    f.status = frame_status::error;
    f.error = codec_error::length_too_large;
    return f;
  }
  if (in.size() < 4 + len) {
    f.wanted = 4 + len;
    return f;
  }
  f.status = frame_status::ready;
  f.sequence = in[3];
  f.payload = in.subspan(4, len);
  f.size = 4 + len;
  return f;
}

message_frame next_message(bytes_view in, std::size_t max_payload) noexcept {
  message_frame f;
  std::size_t offset = 0;
  for (;;) {
    if (in.size() < offset + 4) {
      f.wanted = offset + 4;
      return f;
    }
    const std::size_t len = payload_length(in.data() + offset);
    const std::uint8_t seq = in[offset + 3];
    if (f.packets > 0 && seq != static_cast<std::uint8_t>(f.last_sequence + 1)) {
      f = message_frame{};
      f.status = frame_status::error;
      f.error = codec_error::bad_sequence;
      return f;
    }
    if (f.payload_size + len > max_payload) {
      f = message_frame{};
      f.status = frame_status::error;
      f.error = codec_error::length_too_large;
      return f;
    }
    if (in.size() < offset + 4 + len) {
      f.wanted = offset + 4 + len;
      f.payload_size = 0;
      f.packets = 0;
      return f;
    }
    if (f.packets == 0) f.sequence = seq;
    f.last_sequence = seq;
    f.payload_size += len;
    ++f.packets;
    offset += 4 + len;
    if (len < max_packet_payload) break;
  }
  f.status = frame_status::ready;
  f.size = offset;
  return f;
}

void append_payload(bytes_view in, const message_frame& frame, std::string& out) {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < frame.packets && offset + 4 <= in.size(); ++i) {
    const std::size_t len = payload_length(in.data() + offset);
    out.append(as_chars(in.subspan(offset + 4, std::min(len, in.size() - offset - 4))));
    offset += 4 + len;
  }
}

std::uint8_t encode_packets(std::string& out, std::uint8_t sequence, std::string_view payload) {
  for (;;) {
    const std::size_t len = std::min<std::size_t>(payload.size(), max_packet_payload);
    out += static_cast<char>(len & 0xff);
    out += static_cast<char>((len >> 8) & 0xff);
    out += static_cast<char>((len >> 16) & 0xff);
    out += static_cast<char>(sequence++);
    out.append(payload.substr(0, len));
    payload.remove_prefix(len);
    if (len < max_packet_payload) return sequence;  // a full packet needs a successor, maybe empty
  }
}

}  // namespace gh::wire::mysql
