#include "wire/mysql/generic.hpp"

#include "wire/mysql/payload.hpp"

namespace gh::wire::mysql {
namespace {

unexpected<codec_error> fail(codec_error e) { return unexpected<codec_error>(e); }

}  // namespace

bool is_eof_like(bytes_view payload) noexcept {
  return !payload.empty() && payload[0] == header::eof && payload.size() < max_packet_payload;
}

expected<ok_packet, codec_error> decode_ok(bytes_view payload, capabilities caps) {
  payload_reader r(payload);
  ok_packet ok;
  if (!r.u8(ok.header)) return fail(codec_error::truncated);
  if (ok.header != header::ok && ok.header != header::eof) return fail(codec_error::bad_value);
  if (!r.lenenc(ok.affected_rows) || !r.lenenc(ok.last_insert_id)) return fail(codec_error::truncated);
  if (caps & cap::protocol_41) {
    if (!r.u16(ok.status) || !r.u16(ok.warnings)) return fail(codec_error::truncated);
  } else if (caps & cap::transactions) {
    if (!r.u16(ok.status)) return fail(codec_error::truncated);
  }
  if (caps & cap::session_track) {
    // The info string may be absent altogether when nothing follows.
    if (r.done()) return ok;
    if (!r.lenenc_string(ok.info)) return fail(codec_error::truncated);
    if (ok.status & status::session_state_changed) {
      if (!r.lenenc_string(ok.session_state)) return fail(codec_error::truncated);
    }
    if (!r.done()) return fail(codec_error::trailing_bytes);
    return ok;
  }
  ok.info = r.rest();
  return ok;
}

expected<err_packet, codec_error> decode_err(bytes_view payload) {
  payload_reader r(payload);
  std::uint8_t h = 0;
  err_packet err;
  if (!r.u8(h) || !r.u16(err.code)) return fail(codec_error::truncated);
  if (h != header::err) return fail(codec_error::bad_value);
  if (r.peek() == '#') {
    if (!r.skip(1) || !r.bytes(5, err.sqlstate)) return fail(codec_error::truncated);
  }
  err.message = r.rest();
  return err;
}

expected<eof_packet, codec_error> decode_eof(bytes_view payload) {
  payload_reader r(payload);
  std::uint8_t h = 0;
  eof_packet eof;
  if (!r.u8(h)) return fail(codec_error::truncated);
  if (h != header::eof || payload.size() >= 9) return fail(codec_error::bad_value);
  if (r.done()) return eof;  // pre-4.1 servers: the marker alone
  if (!r.u16(eof.warnings) || !r.u16(eof.status)) return fail(codec_error::truncated);
  if (!r.done()) return fail(codec_error::trailing_bytes);
  return eof;
}

expected<std::vector<session_state_change>, codec_error> decode_session_state(std::string_view state) {
  std::vector<session_state_change> out;
  payload_reader r(state);
  while (!r.done()) {
    std::uint8_t type = 0;
    std::string_view data;
    if (!r.u8(type) || !r.lenenc_string(data)) return fail(codec_error::truncated);
    session_state_change c;
    c.type = static_cast<session_track>(type);
    payload_reader d(data);
    if (c.type == session_track::system_variables) {
      if (!d.lenenc_string(c.name) || !d.lenenc_string(c.value)) return fail(codec_error::truncated);
    } else if (c.type == session_track::schema) {
      if (!d.lenenc_string(c.name)) return fail(codec_error::truncated);
    } else {
      c.value = d.rest();
    }
    if (!d.done()) return fail(codec_error::trailing_bytes);
    out.push_back(c);
  }
  return out;
}

void encode_ok_payload(std::string& out, const ok_packet& ok, capabilities caps) {
  payload_builder b(out);
  b.u8(ok.header).lenenc(ok.affected_rows).lenenc(ok.last_insert_id);
  if (caps & cap::protocol_41) b.u16(ok.status).u16(ok.warnings);
  else if (caps & cap::transactions) b.u16(ok.status);
  if (caps & cap::session_track) {
    if (!ok.info.empty() || (ok.status & status::session_state_changed)) b.lenenc_string(ok.info);
    if (ok.status & status::session_state_changed) b.lenenc_string(ok.session_state);
  } else {
    b.raw(ok.info);
  }
}

void encode_err_payload(std::string& out, const error_reply& err) {
  payload_builder b(out);
  b.u8(header::err).u16(err.code);
  if (!err.sqlstate.empty()) {
    std::string state = err.sqlstate.substr(0, 5);
    state.resize(5, '0');
    b.u8('#').raw(state);
  }
  b.raw(err.message);
}

void encode_eof_payload(std::string& out, const eof_packet& eof) {
  payload_builder(out).u8(header::eof).u16(eof.warnings).u16(eof.status);
}

}  // namespace gh::wire::mysql
