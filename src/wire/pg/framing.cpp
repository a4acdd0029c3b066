#include "wire/pg/framing.hpp"

namespace gh::wire::pg {

std::string_view describe(codec_error e) noexcept {
  switch (e) {
    case codec_error::length_too_small: return "message length smaller than its header";
    case codec_error::length_too_large: return "message length above the limit";
    case codec_error::truncated: return "field runs past the end of the message";
    case codec_error::missing_terminator: return "string without its terminating NUL";
    case codec_error::bad_value: return "field value not allowed by the protocol";
    case codec_error::trailing_bytes: return "unexpected bytes after the last field";
  }
  return "malformed message";
}

namespace {

frame fail(codec_error e) {
  frame f;
  f.status = frame_status::error;
  f.error = e;
  return f;
}

}  // namespace

frame next_message(bytes_view in, std::uint32_t max_size) noexcept {
  frame f;
  if (in.size() < 5) return f;
  std::uint32_t len = load_be32(in.data() + 1);
  if (len < 4) return fail(codec_error::length_too_small);
  // In 64 bits: `max_size - 1` would wrap for a zero limit and admit anything.
  if (len > 0x7fffffff || std::uint64_t{len} + 1 > max_size) return fail(codec_error::length_too_large);
  std::size_t total = std::size_t{len} + 1;
  if (in.size() < total) {
    f.wanted = static_cast<std::uint32_t>(total);
    return f;
  }
  f.status = frame_status::ready;
  f.type = static_cast<char>(in[0]);
  f.body = in.subspan(5, len - 4);
  f.size = total;
  return f;
}

frame next_startup_packet(bytes_view in, std::uint32_t max_size) noexcept {
  frame f;
  if (in.size() < 4) return f;
  std::uint32_t len = load_be32(in.data());
  if (len < 8) return fail(codec_error::length_too_small);
  if (len > max_size) return fail(codec_error::length_too_large);
  if (in.size() < len) {
    f.wanted = len;
    return f;
  }
  f.status = frame_status::ready;
  f.body = in.subspan(4, len - 4);
  f.size = len;
  return f;
}

}  // namespace gh::wire::pg
