#include "wire/connector/framing.hpp"

namespace gh::wire::connector {

std::string_view describe(codec_error e) noexcept {
  switch (e) {
    case codec_error::bad_magic: return "not the connector protocol (no GHCN preamble)";
    case codec_error::unsupported_version: return "unsupported connector protocol version";
    case codec_error::bad_kind: return "preamble of an unknown connection kind";
    case codec_error::length_too_large: return "frame length above the limit";
    case codec_error::truncated: return "field runs past the end of the frame";
    case codec_error::bad_value: return "field value not allowed by the protocol";
    case codec_error::trailing_bytes: return "unexpected bytes after the last field";
    case codec_error::unexpected_type: return "frame type not allowed here";
  }
  return "malformed frame";
}

frame next_frame(bytes_view in, std::uint32_t max_body) noexcept {
  frame f;
  if (in.size() < frame_header_size) return f;
  const std::uint32_t len = load_be32(in.data() + 1);
  if (len > max_body) {
    f.status = step_status::error;
    f.error = codec_error::length_too_large;
    return f;
  }
  const std::size_t total = frame_header_size + std::size_t{len};
  if (in.size() < total) return f;
  f.status = step_status::ready;
  f.type = static_cast<char>(in[0]);
  f.body = in.subspan(frame_header_size, len);
  f.size = total;
  return f;
}

void append_frame(std::string& out, char type, std::string_view body) {
  out += type;
  put_be32(out, static_cast<std::uint32_t>(body.size()));
  out += body;
}

}  // namespace gh::wire::connector
