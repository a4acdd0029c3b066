#include "wire/pg/backend.hpp"

#include <charconv>

#include "wire/pg/reader.hpp"

namespace gh::wire::pg {

std::string_view notice_fields::get(char code) const noexcept {
  for (const auto& [c, v] : fields)
    if (c == code) return v;
  return {};
}

expected<auth_request, codec_error> decode_auth(bytes_view body) {
  body_reader r(body);
  std::int32_t code = 0;
  if (!r.int32(code)) return unexpected(codec_error::truncated);
  auth_request a;
  a.code = static_cast<auth_code>(code);
  a.data = r.rest();
  if (a.code == auth_code::md5 && a.data.size() != 4) return unexpected(codec_error::bad_value);
  if ((a.code == auth_code::ok || a.code == auth_code::cleartext) && !a.data.empty())
    return unexpected(codec_error::trailing_bytes);
  return a;
}

std::vector<std::string_view> sasl_mechanisms(std::string_view data) {
  std::vector<std::string_view> out;
  while (!data.empty()) {
    auto nul = data.find('\0');
    if (nul == std::string_view::npos || nul == 0) break;
    out.push_back(data.substr(0, nul));
    data.remove_prefix(nul + 1);
  }
  return out;
}

expected<std::pair<std::string_view, std::string_view>, codec_error> decode_parameter_status(
    bytes_view body) {
  body_reader r(body);
  std::string_view name, value;
  if (!r.cstring(name) || !r.cstring(value)) return unexpected(codec_error::missing_terminator);
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return std::pair{name, value};
}

expected<std::pair<std::int32_t, std::int32_t>, codec_error> decode_backend_key_data(bytes_view body) {
  body_reader r(body);
  std::int32_t pid = 0, secret = 0;
  if (!r.int32(pid) || !r.int32(secret)) return unexpected(codec_error::truncated);
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return std::pair{pid, secret};
}

expected<char, codec_error> decode_ready_for_query(bytes_view body) {
  if (body.size() != 1) return unexpected(codec_error::bad_value);
  char s = static_cast<char>(body[0]);
  if (s != 'I' && s != 'T' && s != 'E') return unexpected(codec_error::bad_value);
  return s;
}

expected<notice_fields, codec_error> decode_notice(bytes_view body) {
  body_reader r(body);
  notice_fields n;
  for (;;) {
    std::uint8_t code = 0;
    if (!r.int8(code)) return unexpected(codec_error::truncated);
    if (code == 0) break;
    std::string_view value;
    if (!r.cstring(value)) return unexpected(codec_error::missing_terminator);
    n.fields.emplace_back(static_cast<char>(code), value);
  }
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return n;
}

expected<std::string_view, codec_error> decode_command_complete(bytes_view body) {
  body_reader r(body);
  std::string_view tag;
  if (!r.cstring(tag)) return unexpected(codec_error::missing_terminator);
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return tag;
}

std::int64_t rows_from_tag(std::string_view tag) noexcept {
  auto sp = tag.rfind(' ');
  if (sp == std::string_view::npos) return -1;
  std::string_view num = tag.substr(sp + 1);
  // from_chars takes a leading '-': a tag may not report negative rows.
  if (num.empty() || num[0] < '0' || num[0] > '9') return -1;
  std::int64_t v = -1;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (ec != std::errc() || p != num.data() + num.size()) return -1;
  return v;
}

void encode_auth_ok(std::string& out) { message_builder(out).begin(be::authentication).int32(0).end(); }

void encode_auth_cleartext(std::string& out) {
  message_builder(out).begin(be::authentication).int32(3).end();
}

void encode_parameter_status(std::string& out, std::string_view name, std::string_view value) {
  message_builder(out).begin(be::parameter_status).cstring(name).cstring(value).end();
}

void encode_backend_key_data(std::string& out, std::int32_t pid, std::int32_t secret) {
  message_builder(out).begin(be::backend_key_data).int32(pid).int32(secret).end();
}

void encode_ready_for_query(std::string& out, char status) {
  message_builder(out).begin(be::ready_for_query).int8(static_cast<std::uint8_t>(status)).end();
}

namespace {

// Strings inside a message may not hold NUL; cut there rather than emit a
// malformed message.
std::string_view until_nul(std::string_view s) { return s.substr(0, s.find('\0')); }

void encode_fields(std::string& out, char type, const notice& n) {
  message_builder b(out);
  b.begin(type);
  b.int8('S').cstring(until_nul(n.severity));
  b.int8('V').cstring(until_nul(n.severity));
  b.int8('C').cstring(until_nul(n.sqlstate));
  b.int8('M').cstring(until_nul(n.message));
  if (!n.detail.empty()) b.int8('D').cstring(until_nul(n.detail));
  if (!n.hint.empty()) b.int8('H').cstring(until_nul(n.hint));
  b.int8(0).end();
}

}  // namespace

void encode_error(std::string& out, const notice& n) { encode_fields(out, be::error_response, n); }

void encode_notice(std::string& out, const notice& n) { encode_fields(out, be::notice_response, n); }

void encode_negotiate_protocol(std::string& out, std::int32_t newest_minor,
                               const std::vector<std::string>& unsupported_options) {
  message_builder b(out);
  // The protocol page calls the first field the newest minor version, but
  // PostgreSQL sends the full version (3.0 = 0x00030000) and libpq reads it so.
  std::int32_t newest = (3 << 16) | (newest_minor & 0xffff);
  b.begin(be::negotiate_protocol).int32(newest).int32(static_cast<std::int32_t>(unsupported_options.size()));
  for (const auto& o : unsupported_options) b.cstring(until_nul(o));
  b.end();
}

}  // namespace gh::wire::pg
