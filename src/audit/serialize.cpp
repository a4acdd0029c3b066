#include "audit/serialize.hpp"

#include "audit/crc32c.hpp"
#include "audit/field_codec.hpp"

namespace gh::audit {
namespace {

// The longest prefix of `s` no longer than `max` bytes that does not end
// inside a UTF-8 sequence (so a cut statement stays valid text).
std::string_view cut_at(std::string_view s, std::size_t max) noexcept {
  if (s.size() <= max) return s;
  std::size_t n = max;
  // Step back over at most 3 continuation bytes (10xxxxxx) to a lead byte.
  for (int i = 0; i < 3 && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80; ++i) --n;
  return s.substr(0, n);
}

std::size_t body_size(const event& ev, std::string_view statement) noexcept {
  return body_min + ev.principal.size() + ev.session.size() + ev.client.size() +
         ev.connection.size() + statement.size() + ev.cls.size() + ev.decision.size() +
         ev.rule.size() + ev.reviewer.size() + ev.ref.size() + ev.error.size() +
         ev.statement_id.size() + fields::list_size(ev.tables) - 4;
}

bool valid_kind(std::uint8_t k) noexcept {
  return k >= static_cast<std::uint8_t>(event_kind::statement) &&
         k <= static_cast<std::uint8_t>(event_kind::journal);
}

}  // namespace

expected<void, encode_error> append_record(std::string& out, const event& ev,
                                           std::size_t statement_max) {
  std::string_view statement = cut_at(ev.statement, statement_max);
  std::uint64_t statement_length = ev.statement_length;
  if (statement.size() < ev.statement.size() && statement_length == 0)
    statement_length = ev.statement.size();

  // Sum the lengths before any could overflow u32: each is a size_t.
  std::size_t body = body_size(ev, statement);
  if (body > record_max) return unexpected(encode_error::too_large);

  std::size_t start = out.size();
  out.resize(start + record_header_size + body);
  auto* base = reinterpret_cast<std::uint8_t*>(out.data()) + start;
  fields::writer w{base};
  w.u32(static_cast<std::uint32_t>(body));  // safe: body <= record_max
  w.u32(0);                                 // crc, filled in below
  w.u8(record_version);
  w.u8(static_cast<std::uint8_t>(ev.kind));
  w.i64(to_unix_micros(ev.time));
  w.i64(ev.duration_us);
  w.i64(ev.rows);
  w.u64(statement_length);
  for (std::string_view s : {std::string_view(ev.principal), std::string_view(ev.session),
                             std::string_view(ev.client), std::string_view(ev.connection),
                             statement, std::string_view(ev.cls), std::string_view(ev.decision),
                             std::string_view(ev.rule), std::string_view(ev.reviewer),
                             std::string_view(ev.ref), std::string_view(ev.error),
                             std::string_view(ev.statement_id)})
    w.str(s);
  w.list(ev.tables);

  std::uint32_t crc = crc32c(bytes_view(base, 4));
  crc = crc32c(bytes_view(base + record_header_size, body), crc);
  store_be32(base + 4, crc);
  return {};
}

frame next_record(bytes_view in) noexcept {
  if (in.size() < 4) return {};
  std::uint32_t length = load_be32(in.data());
  if (length < body_min || length > record_max) return {decode_status::bad_length, 0, {}};
  if (in.size() < record_header_size || in.size() - record_header_size < length) return {};
  std::size_t total = record_header_size + length;
  std::uint32_t crc = crc32c(in.first(4));
  crc = crc32c(in.subspan(record_header_size, length), crc);
  if (crc != load_be32(in.data() + 4)) return {decode_status::bad_checksum, total, {}};
  return {decode_status::complete, total, in.subspan(record_header_size, length)};
}

decode_status decode_body(bytes_view body, event& out) {
  fields::reader r(body);
  std::uint8_t version = 0, kind = 0;
  std::int64_t time_us = 0;
  if (!r.u8(version) || version != record_version) return decode_status::malformed;
  if (!r.u8(kind) || !valid_kind(kind)) return decode_status::malformed;
  out.kind = static_cast<event_kind>(kind);
  if (!r.i64(time_us) || !representable_time_us(time_us)) return decode_status::malformed;
  out.time = from_unix_micros(time_us);
  r.i64(out.duration_us);
  r.i64(out.rows);
  r.u64(out.statement_length);
  for (std::string* s : {&out.principal, &out.session, &out.client, &out.connection,
                         &out.statement, &out.cls, &out.decision, &out.rule, &out.reviewer,
                         &out.ref, &out.error, &out.statement_id})
    r.str(*s);
  r.list(out.tables);
  // Trailing bytes mean a writer this reader does not understand.
  return r.ok() && r.remaining() == 0 ? decode_status::complete : decode_status::malformed;
}

frame decode_record(bytes_view in, event& out) {
  frame f = next_record(in);
  if (f.status == decode_status::complete && decode_body(f.body, out) != decode_status::complete)
    f = {decode_status::malformed, f.used, {}};
  return f;
}

std::string_view to_string(decode_status s) noexcept {
  switch (s) {
    case decode_status::complete: return "complete";
    case decode_status::need_more: return "need more bytes";
    case decode_status::bad_length: return "impossible record length";
    case decode_status::bad_checksum: return "checksum mismatch";
    case decode_status::malformed: return "malformed record";
  }
  return "?";
}

}  // namespace gh::audit
