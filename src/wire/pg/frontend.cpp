#include "wire/pg/frontend.hpp"

#include "wire/pg/reader.hpp"

namespace gh::wire::pg {
namespace {

bool valid_kind(char k) { return k == 'S' || k == 'P'; }

}  // namespace

expected<query_msg, codec_error> decode_query(bytes_view body) {
  body_reader r(body);
  query_msg m;
  if (!r.cstring(m.sql)) return unexpected(codec_error::missing_terminator);
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return m;
}

expected<parse_msg, codec_error> decode_parse(bytes_view body) {
  body_reader r(body);
  parse_msg m;
  if (!r.cstring(m.statement) || !r.cstring(m.sql)) return unexpected(codec_error::missing_terminator);
  if (!r.int16(m.param_count)) return unexpected(codec_error::truncated);
  if (m.param_count < 0) return unexpected(codec_error::bad_value);
  if (r.remaining() != std::size_t(m.param_count) * 4)
    return unexpected(r.remaining() < std::size_t(m.param_count) * 4 ? codec_error::truncated
                                                                       : codec_error::trailing_bytes);
  return m;
}

expected<bind_msg, codec_error> decode_bind(bytes_view body) {
  body_reader r(body);
  bind_msg m;
  if (!r.cstring(m.portal) || !r.cstring(m.statement)) return unexpected(codec_error::missing_terminator);
  return m;
}

expected<describe_msg, codec_error> decode_describe(bytes_view body) {
  body_reader r(body);
  describe_msg m;
  std::uint8_t k = 0;
  if (!r.int8(k)) return unexpected(codec_error::truncated);
  m.kind = static_cast<char>(k);
  if (!valid_kind(m.kind)) return unexpected(codec_error::bad_value);
  if (!r.cstring(m.name)) return unexpected(codec_error::missing_terminator);
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return m;
}

expected<execute_msg, codec_error> decode_execute(bytes_view body) {
  body_reader r(body);
  execute_msg m;
  if (!r.cstring(m.portal)) return unexpected(codec_error::missing_terminator);
  if (!r.int32(m.max_rows)) return unexpected(codec_error::truncated);
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return m;
}

expected<close_msg, codec_error> decode_close(bytes_view body) {
  body_reader r(body);
  close_msg m;
  std::uint8_t k = 0;
  if (!r.int8(k)) return unexpected(codec_error::truncated);
  m.kind = static_cast<char>(k);
  if (!valid_kind(m.kind)) return unexpected(codec_error::bad_value);
  if (!r.cstring(m.name)) return unexpected(codec_error::missing_terminator);
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return m;
}

expected<std::string_view, codec_error> decode_password(bytes_view body) {
  body_reader r(body);
  std::string_view pw;
  if (!r.cstring(pw)) return unexpected(codec_error::missing_terminator);
  if (!r.done()) return unexpected(codec_error::trailing_bytes);
  return pw;
}

void encode_query(std::string& out, std::string_view sql) {
  message_builder(out).begin(fe::query).cstring(sql).end();
}

void encode_parse(std::string& out, std::string_view statement, std::string_view sql) {
  message_builder(out).begin(fe::parse).cstring(statement).cstring(sql).int16(0).end();
}

void encode_execute(std::string& out, std::string_view portal, std::int32_t max_rows) {
  message_builder(out).begin(fe::execute).cstring(portal).int32(max_rows).end();
}

void encode_sync(std::string& out) { message_builder(out).begin(fe::sync).end(); }

void encode_terminate(std::string& out) { message_builder(out).begin(fe::terminate).end(); }

void encode_password(std::string& out, std::string_view password) {
  message_builder(out).begin(fe::password).cstring(password).end();
}

void encode_sasl_initial(std::string& out, std::string_view mechanism, std::string_view data) {
  message_builder(out)
      .begin(fe::password)
      .cstring(mechanism)
      .int32(static_cast<std::int32_t>(data.size()))
      .raw(data)
      .end();
}

void encode_sasl_response(std::string& out, std::string_view data) {
  message_builder(out).begin(fe::password).raw(data).end();
}

}  // namespace gh::wire::pg
