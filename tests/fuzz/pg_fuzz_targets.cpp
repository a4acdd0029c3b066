#include "pg_fuzz_targets.hpp"

#include <charconv>
#include <cstring>
#include <string>
#include <variant>

#include "wire/pg/backend.hpp"
#include "wire/pg/framing.hpp"
#include "wire/pg/frontend.hpp"
#include "wire/pg/scram.hpp"
#include "wire/pg/startup.hpp"

namespace gh::fuzz {
namespace {

using namespace gh::wire::pg;

// Small enough that fuzz inputs reach both sides of the limit.
constexpr std::uint32_t max_message = 2048;

std::string_view chars(bytes_view b) { return as_chars(b); }

// Checks one framer answer against its contract; "" when it holds.
std::string_view check_frame(const frame& f, bytes_view in, std::size_t header) {
  switch (f.status) {
    case frame_status::need_more:
      if (f.size != 0 || !f.body.empty()) return "need_more consumed bytes";
      if (f.wanted != 0 && (f.wanted <= in.size() || f.wanted > max_message))
        return "need_more wanted an impossible total";
      return "";
    case frame_status::error:
      return "";
    case frame_status::ready:
      if (f.size > in.size() || f.size > max_message) return "frame beyond its input or its limit";
      if (f.body.data() != in.data() + header || f.body.size() + header != f.size)
        return "frame body is not the bytes after its header";
      return "";
  }
  return "unknown frame status";
}

// Frames typed messages from the front of `in` and hands each to `on_message`
// (type, body, whole message bytes) until need_more or an error.
template <class F>
std::string_view each_message(bytes_view in, F on_message) {
  for (;;) {
    frame f = next_message(in, max_message);
    if (auto broken = check_frame(f, in, 5); !broken.empty()) return broken;
    if (f.status != frame_status::ready) return "";
    if (auto broken = on_message(f.type, f.body, chars(in.first(f.size))); !broken.empty()) return broken;
    in = in.subspan(f.size);
  }
}

template <class R, class Encode>
std::string_view same_bytes(const R& decoded, std::string_view message, Encode encode) {
  if (!decoded) return "";
  std::string out;
  encode(out, *decoded);
  return out == message ? "" : "decoded message re-encodes to other bytes";
}

std::string_view frontend_message(char type, bytes_view body, std::string_view message) {
  auto q = decode_query(body);
  auto p = decode_parse(body);
  auto b = decode_bind(body);
  auto d = decode_describe(body);
  auto e = decode_execute(body);
  auto c = decode_close(body);
  auto pw = decode_password(body);
  if (p && p->param_count < 0) return "parse decoded a negative parameter count";
  if ((d && d->kind != 'S' && d->kind != 'P') || (c && c->kind != 'S' && c->kind != 'P'))
    return "describe/close decoded an unknown kind";
  if (b && (b->portal.find('\0') != std::string_view::npos || b->statement.find('\0') != std::string_view::npos))
    return "bind decoded a name holding NUL";
  switch (type) {
    case fe::query: return same_bytes(q, message, [](auto& o, auto& m) { encode_query(o, m.sql); });
    case fe::execute:
      return same_bytes(e, message, [](auto& o, auto& m) { encode_execute(o, m.portal, m.max_rows); });
    case fe::password: return same_bytes(pw, message, [](auto& o, auto& m) { encode_password(o, m); });
    case fe::parse:
      if (p && p->param_count > 0) return "";
      return same_bytes(p, message, [](auto& o, auto& m) { encode_parse(o, m.statement, m.sql); });
    default: return "";
  }
}

std::string_view backend_message(char type, bytes_view body, std::string_view message) {
  auto a = decode_auth(body);
  auto s = decode_parameter_status(body);
  auto k = decode_backend_key_data(body);
  auto z = decode_ready_for_query(body);
  auto n = decode_notice(body);
  auto t = decode_command_complete(body);
  if (a && a->code == auth_code::md5 && a->data.size() != 4) return "md5 request without a 4-byte salt";
  if (a && (a->code == auth_code::ok || a->code == auth_code::cleartext) && !a->data.empty())
    return "auth request with trailing data";
  if (a)
    for (auto m : sasl_mechanisms(a->data))
      if (m.empty() || m.find('\0') != std::string_view::npos) return "bad SASL mechanism name";
  if (z && *z != 'I' && *z != 'T' && *z != 'E') return "ready_for_query decoded a bad status";
  if (n)
    for (auto& [code, value] : n->fields)
      if (code == 0 || value.find('\0') != std::string_view::npos) return "notice field holding NUL";
  if (t && rows_from_tag(*t) < -1) return "negative row count";
  switch (type) {
    case be::parameter_status:
      return same_bytes(s, message, [](auto& o, auto& m) { encode_parameter_status(o, m.first, m.second); });
    case be::backend_key_data:
      return same_bytes(k, message, [](auto& o, auto& m) { encode_backend_key_data(o, m.first, m.second); });
    case be::ready_for_query:
      return same_bytes(z, message, [](auto& o, auto& m) { encode_ready_for_query(o, m); });
    default: return "";
  }
}

// A packet's bytes as the encoders would give them back.
std::string encode_packet(const startup_packet& p) {
  if (std::holds_alternative<ssl_request>(p)) return encode_ssl_request();
  if (auto* c = std::get_if<cancel_request>(&p)) return encode_cancel_request(*c);
  if (auto* m = std::get_if<startup_message>(&p)) return encode_startup(*m);
  return {};  // GSSENCRequest has no encoder: the gateway never sends one
}

// PBKDF2 with a hostile count takes seconds; the limit itself is tested
// in scram_test. Inputs asking for more than this are skipped.
bool cheap_iterations(std::string_view server_first) {
  while (!server_first.empty()) {
    auto comma = server_first.find(',');
    std::string_view part = server_first.substr(0, comma);
    if (part.starts_with("i=")) {
      long long n = 0;
      auto [p, ec] = std::from_chars(part.data() + 2, part.data() + part.size(), n);
      if (ec == std::errc() && n > 10000) return false;
    }
    if (comma == std::string_view::npos) break;
    server_first.remove_prefix(comma + 1);
  }
  return true;
}

}  // namespace

std::string_view pg_frontend(bytes_view in) { return each_message(in, frontend_message); }

std::string_view pg_backend(bytes_view in) { return each_message(in, backend_message); }

std::string_view pg_startup(bytes_view in) {
  for (;;) {
    frame f = next_startup_packet(in, max_message);
    if (auto broken = check_frame(f, in, 4); !broken.empty()) return broken;
    if (f.status != frame_status::ready) return "";
    auto packet = decode_startup(f.body);
    if (!packet) return "";
    if (auto* m = std::get_if<startup_message>(&*packet); m && (m->protocol >> 16) != 3)
      return "startup message of another major version";
    std::string again = encode_packet(*packet);
    if (!std::holds_alternative<gssenc_request>(*packet) && again != chars(in.first(f.size)))
      return "decoded packet re-encodes to other bytes";
    in = in.subspan(f.size);
    if (std::holds_alternative<cancel_request>(*packet)) return "";
    if (std::holds_alternative<startup_message>(*packet)) return pg_frontend(in);
  }
}

std::string_view pg_scram(bytes_view in) {
  // The client nonce and password of the captured psql exchange, so that the
  // seed from tests/wire/pg/stream_be_scram_login.hex completes a login.
  const std::string nonce = "zd08PbSu+zld8Hqrjn0Tlkqu";
  scram_client client("pencil", "", nonce);
  // The same login through a key cache: it must answer every server-first
  // as the uncached client does, and once the server has proved itself, a
  // second login that takes the cached keys must too.
  random_source zeros = [](void* out, std::size_t n) { std::memset(out, 0, n); };
  scram_key_cache cache(zeros, 2);
  scram_client cached("pencil", "", nonce, &cache, "fuzz");
  std::string last_first;
  bool first_ok = false;
  return each_message(in, [&](char type, bytes_view body, std::string_view) -> std::string_view {
    if (type != be::authentication) return "";
    auto a = decode_auth(body);
    if (!a) return "";
    if (a->code == auth_code::sasl_continue && cheap_iterations(a->data)) {
      auto final_msg = client.on_server_first(a->data);
      auto cached_msg = cached.on_server_first(a->data);
      if (final_msg.has_value() != cached_msg.has_value() || (final_msg && *final_msg != *cached_msg))
        return "the key cache changed the client-final";
      if (final_msg) last_first = std::string(a->data);
      if (final_msg && !final_msg->starts_with("c=biws,r=" + nonce)) return "client-final without our nonce";
      if (final_msg && final_msg->find(",p=") == std::string::npos) return "client-final without a proof";
      first_ok = first_ok || final_msg.has_value();
    }
    if (a->code == auth_code::sasl_final) {
      bool ok = client.on_server_final(a->data).has_value();
      if (ok && !first_ok) return "server-final accepted without a server-first";
      if (ok != cached.on_server_final(a->data).has_value()) return "the key cache changed the server-final's verdict";
      if (ok && cache.stats().derived + cache.stats().reused == 0) return "a proved login was not counted";
      if (ok) {
        scram_client again("pencil", "", nonce, &cache, "fuzz");
        scram_client plain("pencil", "", nonce);
        auto x = again.on_server_first(last_first);
        auto y = plain.on_server_first(last_first);
        if (!x || !y || *x != *y) return "cached keys answered differently";
        if (!again.on_server_final(a->data)) return "cached keys failed the server's proof";
      }
    }
    return "";
  });
}

}  // namespace gh::fuzz
