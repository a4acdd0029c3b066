#include "wire/connector/data.hpp"

#include "wire/connector/control.hpp"
#include "wire/connector/fields.hpp"
#include "wire/connector/framing.hpp"
#include "wire/pg/framing.hpp"

namespace gh::wire::connector {
namespace {

using detail::field_reader;

template <class T>
expected<T, codec_error> result(const field_reader& r, T value) {
  if (codec_error e = r.finish(); e != codec_error{}) return unexpected(e);
  return value;
}

bool valid_sqlstate(std::string_view s) noexcept {
  if (s.size() != 5) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  return true;
}

bool valid_tx_status(char c) noexcept { return c == 'I' || c == 'T' || c == 'E'; }

bool nonzero(const std::string& s) noexcept {
  for (char c : s)
    if (c != 0) return true;
  return false;
}

}  // namespace

bool valid_greeting(bytes_view greeting) noexcept {
  while (!greeting.empty()) {
    pg::frame f = pg::next_message(greeting, data_reply_body_max);
    if (f.status != pg::frame_status::ready) return false;
    if (f.type != 'S' && f.type != 'N') return false;
    greeting = greeting.subspan(f.size);
  }
  return true;
}

bool encode_data_hello(std::string& out, const data_hello& m) {
  if (m.session_id.size() != session_id_size || m.nonce.size() != nonce_size) return false;
  if (!nonzero(m.session_id) || !nonzero(m.nonce)) return false;
  append_frame(out, msg::data, m.session_id + m.nonce);
  return true;
}

expected<data_hello, codec_error> decode_data_hello(bytes_view body) {
  field_reader r(body);
  data_hello m;
  m.session_id = r.fixed(session_id_size);
  m.nonce = r.fixed(nonce_size);
  if (r.ok() && (!nonzero(m.session_id) || !nonzero(m.nonce))) r.fail(codec_error::bad_value);
  return result(r, std::move(m));
}

bool encode_ready(std::string& out, const ready& m) {
  if (!valid_tx_status(m.tx_status) || !valid_greeting(as_bytes(m.greeting))) return false;
  std::string body;
  detail::put_blob(body, m.greeting);
  put_be32(body, static_cast<std::uint32_t>(m.pid));
  put_be32(body, static_cast<std::uint32_t>(m.secret));
  body += m.tx_status;
  if (body.size() > data_reply_body_max) return false;
  append_frame(out, msg::ready, body);
  return true;
}

expected<ready, codec_error> decode_ready(bytes_view body) {
  field_reader r(body);
  ready m;
  m.greeting = r.blob();
  m.pid = static_cast<std::int32_t>(r.u32());
  m.secret = static_cast<std::int32_t>(r.u32());
  m.tx_status = static_cast<char>(r.u8());
  if (r.ok() && (!valid_tx_status(m.tx_status) || !valid_greeting(as_bytes(m.greeting))))
    r.fail(codec_error::bad_value);
  return result(r, std::move(m));
}

bool encode_failed(std::string& out, const failed& m) {
  if (!valid_sqlstate(m.sqlstate)) return false;
  std::string body;
  if (!detail::put_text(body, m.sqlstate) || !detail::put_text(body, m.message)) return false;
  append_frame(out, msg::failed, body);
  return true;
}

expected<failed, codec_error> decode_failed(bytes_view body) {
  field_reader r(body);
  failed m;
  m.sqlstate = r.text();
  m.message = r.text();
  if (r.ok() && !valid_sqlstate(m.sqlstate)) r.fail(codec_error::bad_value);
  return result(r, std::move(m));
}

}  // namespace gh::wire::connector
