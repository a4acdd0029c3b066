#include "wire/pg/startup.hpp"

#include <algorithm>

#include "wire/pg/reader.hpp"

namespace gh::wire::pg {

std::string_view startup_message::get(std::string_view name) const noexcept {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

bool startup_message::has(std::string_view name) const noexcept {
  for (const auto& [k, v] : params)
    if (k == name) return true;
  return false;
}

namespace {

expected<startup_packet, codec_error> decode_params(body_reader& r, std::int32_t protocol) {
  startup_message m;
  m.protocol = protocol;
  std::vector<std::string_view> names;  // views into the body
  for (;;) {
    std::string_view name, value;
    if (!r.cstring(name)) return unexpected(codec_error::missing_terminator);
    if (name.empty()) break;  // the list's terminator
    if (!r.cstring(value)) return unexpected(codec_error::missing_terminator);
    names.push_back(name);
    m.params.emplace_back(name, value);
  }
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  // PostgreSQL lets the last of two equal names win while get() answers the
  // first: refuse, so that what the gateway checks is what runs. Sorted, not
  // pairwise: a packet may hold thousands of names.
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) return unexpected(codec_error::bad_value);
  return startup_packet(std::move(m));
}

}  // namespace

expected<startup_packet, codec_error> decode_startup(bytes_view body) {
  body_reader r(body);
  std::int32_t code = 0;
  if (!r.int32(code)) return unexpected(codec_error::truncated);
  switch (code) {
    case ssl_request_code:
      if (!r.done()) return unexpected(codec_error::trailing_bytes);
      return startup_packet(ssl_request{});
    case gssenc_request_code:
      if (!r.done()) return unexpected(codec_error::trailing_bytes);
      return startup_packet(gssenc_request{});
    case cancel_request_code: {
      cancel_request c;
      if (!r.int32(c.pid) || !r.int32(c.secret)) return unexpected(codec_error::truncated);
      if (!r.done()) return unexpected(codec_error::trailing_bytes);
      return startup_packet(c);
    }
    default:
      if ((code >> 16) != 3) return unexpected(codec_error::bad_value);
      return decode_params(r, code);
  }
}

std::string encode_ssl_request() {
  std::string out;
  message_builder(out).begin_untyped().int32(ssl_request_code).end();
  return out;
}

std::string encode_cancel_request(const cancel_request& c) {
  std::string out;
  message_builder(out).begin_untyped().int32(cancel_request_code).int32(c.pid).int32(c.secret).end();
  return out;
}

std::string encode_startup(const startup_message& m) {
  std::string out;
  message_builder b(out);
  b.begin_untyped().int32(m.protocol);
  for (const auto& [k, v] : m.params) b.cstring(k).cstring(v);
  b.int8(0).end();
  return out;
}

}  // namespace gh::wire::pg
