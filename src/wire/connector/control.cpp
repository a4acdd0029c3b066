#include "wire/connector/control.hpp"

#include "wire/connector/fields.hpp"
#include "wire/connector/framing.hpp"

namespace gh::wire::connector {
namespace {

using detail::field_reader;
using detail::put_text;

template <class T>
expected<T, codec_error> result(const field_reader& r, T value) {
  if (codec_error e = r.finish(); e != codec_error{}) return unexpected(e);
  return value;
}

bool valid_id(const std::string& id, std::size_t size) {
  if (id.size() != size) return false;
  for (char c : id)
    if (c != 0) return true;
  return false;  // all zero is never issued
}

// Appends a frame of `type` around `body` when `ok`; nothing otherwise.
bool finish(std::string& out, char type, const std::string& body, bool ok) {
  if (!ok || body.size() > control_body_max) return false;
  append_frame(out, type, body);
  return true;
}

}  // namespace

bool encode_hello(std::string& out, const hello& m) {
  std::string body;
  bool ok = put_text(body, m.name) && put_text(body, m.token);
  return finish(out, msg::hello, body, ok && body.size() <= hello_body_max);
}

expected<hello, codec_error> decode_hello(bytes_view body) {
  field_reader r(body);
  hello m;
  m.name = r.text();
  m.token = r.text();
  if (m.name.empty() || m.token.empty()) r.fail(codec_error::bad_value);
  return result(r, std::move(m));
}

void encode_welcome(std::string& out) { append_frame(out, msg::welcome, {}); }

expected<bool, codec_error> decode_welcome(bytes_view body) {
  return result(field_reader(body), true);
}

bool encode_refused(std::string& out, const refused& m) {
  std::string body;
  return finish(out, msg::refused, body, put_text(body, m.reason));
}

expected<refused, codec_error> decode_refused(bytes_view body) {
  field_reader r(body);
  refused m;
  m.reason = r.text();
  return result(r, std::move(m));
}

void encode_heartbeat(std::string& out) { append_frame(out, msg::heartbeat, {}); }

expected<bool, codec_error> decode_heartbeat(bytes_view body) {
  return result(field_reader(body), true);
}

bool encode_open(std::string& out, const open_request& m) {
  if (!valid_id(m.session_id, session_id_size) || !valid_id(m.nonce, nonce_size)) return false;
  if (m.params.size() > 0xffff) return false;
  std::string body = m.session_id + m.nonce;
  bool ok = put_text(body, m.connection);
  body += static_cast<char>(m.read_only ? 1 : 0);
  put_be16(body, static_cast<std::uint16_t>(m.params.size()));
  for (const auto& [k, v] : m.params) ok = ok && !k.empty() && put_text(body, k) && put_text(body, v);
  return finish(out, msg::open, body, ok && !m.connection.empty());
}

expected<open_request, codec_error> decode_open(bytes_view body) {
  field_reader r(body);
  open_request m;
  m.session_id = r.fixed(session_id_size);
  m.nonce = r.fixed(nonce_size);
  m.connection = r.text();
  const std::uint8_t ro = r.u8();
  const std::uint16_t n = r.u16();
  // No reserve() for a claimed count: the loop stops at the first error,
  // so the pairs kept are at most what the bounded body holds.
  for (std::uint16_t i = 0; i < n && r.ok(); ++i) {
    std::string k = r.text();
    std::string v = r.text();
    if (k.empty()) r.fail(codec_error::bad_value);
    m.params.emplace_back(std::move(k), std::move(v));
  }
  if (ro > 1 || m.connection.empty()) r.fail(codec_error::bad_value);
  m.read_only = ro == 1;
  if (r.finish() == codec_error{} &&
      (!valid_id(m.session_id, session_id_size) || !valid_id(m.nonce, nonce_size)))
    r.fail(codec_error::bad_value);
  return result(r, std::move(m));
}

bool encode_cancel(std::string& out, const cancel_request& m) {
  return finish(out, msg::cancel, m.session_id, valid_id(m.session_id, session_id_size));
}

expected<cancel_request, codec_error> decode_cancel(bytes_view body) {
  field_reader r(body);
  cancel_request m;
  m.session_id = r.fixed(session_id_size);
  if (r.finish() == codec_error{} && !valid_id(m.session_id, session_id_size))
    r.fail(codec_error::bad_value);
  return result(r, std::move(m));
}

}  // namespace gh::wire::connector
