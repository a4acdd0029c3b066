#include "mysql_fuzz_targets.hpp"

#include <string>
#include <vector>

#include "wire/mysql/auth.hpp"
#include "wire/mysql/command.hpp"
#include "wire/mysql/framing.hpp"
#include "wire/mysql/generic.hpp"
#include "wire/mysql/handshake.hpp"
#include "wire/mysql/result.hpp"

namespace gh::fuzz {
namespace {

using namespace gh::wire::mysql;

constexpr std::size_t fuzz_max_payload = 1 << 16;

// The payloads of the messages at the front of `in`, as a session frames them.
std::vector<std::string> messages_of(bytes_view in) {
  std::vector<std::string> out;
  while (!in.empty()) {
    const message_frame f = next_message(in, fuzz_max_payload);
    if (f.status != frame_status::ready) break;
    std::string payload;
    append_payload(in, f, payload);
    out.push_back(std::move(payload));
    in = in.subspan(f.size);
  }
  return out;
}

template <class T, class E>
bool same_handshake(const expected<T, E>& a, const expected<T, E>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->server_version == b->server_version && a->connection_id == b->connection_id &&
         a->auth_plugin_data == b->auth_plugin_data && a->caps == b->caps &&
         a->auth_plugin_name == b->auth_plugin_name;
}

}  // namespace

std::string_view mysql_framing(bytes_view in) {
  bytes_view rest = in;
  while (!rest.empty()) {
    const message_frame f = next_message(rest, fuzz_max_payload);
    if (f.status == frame_status::error) break;
    if (f.status == frame_status::need_more) {
      if (f.size != 0 || f.payload_size != 0) return "need_more consumed bytes";
      if (f.wanted <= rest.size()) return "need_more wanted no more than it had";
      break;
    }
    if (f.size == 0 || f.size > rest.size()) return "a message outside its input";
    if (f.payload_size > fuzz_max_payload) return "a message over the limit";
    if (f.size != f.payload_size + 4 * f.packets) return "size is not payloads plus headers";
    std::string payload;
    append_payload(rest, f, payload);
    if (payload.size() != f.payload_size) return "payload size differs from the frame's";
    std::string again;
    if (encode_packets(again, f.sequence, payload) != static_cast<std::uint8_t>(f.last_sequence + 1))
      return "re-encoding ends at another sequence id";
    if (again != as_chars(rest.subspan(0, f.size))) return "re-encoding differs";
    rest = rest.subspan(f.size);
  }
  const packet_frame p = next_packet(in, fuzz_max_payload);
  if (p.status == frame_status::ready && p.size > in.size()) return "a packet outside its input";
  return "";
}

std::string_view mysql_handshake(bytes_view in) {
  for (const std::string& m : messages_of(in)) {
    const bytes_view b = as_bytes(m);
    const auto h = decode_handshake(b);
    if (h && h->caps & cap::protocol_41 && h->caps & cap::plugin_auth &&
        h->caps & cap::secure_connection && h->auth_plugin_data.size() == 20 &&
        h->auth_plugin_data.find('\0') == std::string::npos &&
        h->server_version.find('\0') == std::string::npos &&
        h->auth_plugin_name.find('\0') == std::string::npos) {
      std::string again;
      encode_handshake_payload(again, *h);
      if (!same_handshake(decode_handshake(as_bytes(again)), h)) return "handshake does not round-trip";
    }
    if (is_ssl_request(b) && !decode_ssl_request(b)) return "an SSLRequest that does not decode";
    const auto r = decode_handshake_response(b);
    if (r) {
      std::string again;
      encode_handshake_response_payload(again, *r);
      const auto back = decode_handshake_response(as_bytes(again));
      if (!back || back->user != r->user || back->auth_response != r->auth_response ||
          back->database != r->database || back->auth_plugin != r->auth_plugin ||
          back->attributes != r->attributes)
        return "handshake response does not round-trip";
    }
    (void)decode_auth_switch_request(b);
    (void)decode_auth_more_data(b);
    (void)native_password_response(m, m);
    (void)caching_sha2_response(m, m);
    (void)xor_password_with_nonce(m, m);
  }
  return "";
}

std::string_view mysql_command(bytes_view in) {
  const capabilities caps = cap::protocol_41 | cap::secure_connection | cap::plugin_auth | cap::connect_attrs;
  for (const std::string& m : messages_of(in)) {
    const bytes_view b = as_bytes(m);
    const auto c = command_of(b);
    if (!c) continue;
    std::string again;
    switch (*c) {
      case command::query:
        if (auto q = decode_query(b)) encode_query_payload(again, *q);
        break;
      case command::stmt_prepare:
        if (auto q = decode_stmt_prepare(b)) encode_stmt_prepare_payload(again, *q);
        break;
      case command::init_db:
        if (auto q = decode_init_db(b)) encode_init_db_payload(again, *q);
        break;
      case command::stmt_execute:
        if (auto e = decode_stmt_execute(b)) encode_stmt_execute_payload(again, *e);
        break;
      case command::stmt_close:
      case command::stmt_reset:
        if (auto id = decode_stmt_id(b, *c)) encode_stmt_id_payload(again, *c, *id);
        break;
      case command::set_option:
        if (auto o = decode_set_option(b)) encode_set_option_payload(again, *o);
        break;
      case command::field_list: (void)decode_field_list(b); break;
      case command::stmt_send_long_data: (void)decode_stmt_send_long_data(b); break;
      case command::stmt_fetch: (void)decode_stmt_fetch(b); break;
      case command::change_user: (void)decode_change_user(b, caps); break;
      default: break;
    }
    if (!again.empty() && again != m) return "a command does not re-encode to its bytes";
    (void)handling_of(*c);
    (void)command_name(*c);
  }
  return "";
}

std::string_view mysql_response(bytes_view in) {
  if (in.empty()) return "";
  const command commands[] = {command::query, command::stmt_execute, command::stmt_prepare,
                              command::field_list, command::ping, command::statistics,
                              command::stmt_fetch, command::set_option};
  const capabilities variants[] = {
      cap::protocol_41 | cap::transactions | cap::session_track,
      cap::protocol_41 | cap::transactions | cap::session_track | cap::deprecate_eof,
      cap::protocol_41 | cap::mariadb_progress | cap::mariadb_cache_metadata,
      capabilities{0}};
  const command c = commands[in[0] % std::size(commands)];
  const capabilities caps = variants[(in[0] >> 4) % std::size(variants)];
  response_tracker t(c, caps);
  std::uint64_t fed = 0;
  for (const std::string& m : messages_of(in.subspan(1))) {
    const bool was_done = t.complete();
    const response_step step = t.on_message(as_bytes(m), m.size() >= max_packet_payload);
    ++fed;
    if (was_done && step != response_step::malformed) return "a finished response took another message";
    if (step == response_step::complete && !t.complete()) return "complete but not done";
    if (step == response_step::malformed && !t.complete()) return "malformed but not done";
    if (t.rows() > fed) return "more rows than messages";
    if (const auto ok = decode_ok(as_bytes(m), caps)) (void)decode_session_state(ok->session_state);
    (void)decode_err(as_bytes(m));
    (void)decode_eof(as_bytes(m));
    (void)decode_column_definition(as_bytes(m), caps);
    (void)decode_stmt_prepare_ok(as_bytes(m));
  }
  return "";
}

}  // namespace gh::fuzz
