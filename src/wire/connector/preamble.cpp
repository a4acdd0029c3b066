#include "wire/connector/preamble.hpp"

#include <algorithm>
#include <string_view>

namespace gh::wire::connector {
namespace {

constexpr std::string_view magic = "GHCN";

preamble_step fail(codec_error e) {
  preamble_step s;
  s.status = step_status::error;
  s.error = e;
  return s;
}

}  // namespace

preamble_step decode_preamble(bytes_view in) {
  // Judge each byte as soon as it is there: a TLS ClientHello or an HTTP
  // request sent here by mistake is refused at its first byte.
  for (std::size_t i = 0; i < std::min(in.size(), magic.size()); ++i)
    if (in[i] != static_cast<std::uint8_t>(magic[i])) return fail(codec_error::bad_magic);
  if (in.size() > 4 && in[4] != protocol_version) return fail(codec_error::unsupported_version);
  if (in.size() > 5 && in[5] != 'C' && in[5] != 'D') return fail(codec_error::bad_kind);
  if (in.size() > 6 && in[6] != 0) return fail(codec_error::bad_value);
  if (in.size() > 7 && in[7] != 0) return fail(codec_error::bad_value);
  if (in.size() < preamble_size) return {};

  preamble_step s;
  s.value.kind = static_cast<link_kind>(in[5]);
  s.value.route.assign(reinterpret_cast<const char*>(in.data() + 8), session_id_size);
  const bool zero = std::all_of(s.value.route.begin(), s.value.route.end(), [](char c) { return c == 0; });
  // A control connection serves no session; a data connection always one
  // (ids are random: all zero is never issued).
  if ((s.value.kind == link_kind::control) != zero) return fail(codec_error::bad_value);
  if (zero) s.value.route.clear();
  s.status = step_status::ready;
  return s;
}

std::string encode_preamble(const preamble& p) {
  std::string out(magic);
  out += static_cast<char>(protocol_version);
  out += static_cast<char>(p.kind);
  out.append(2, '\0');
  if (p.route.empty()) out.append(session_id_size, '\0');
  else out += p.route;
  return out;
}

}  // namespace gh::wire::connector
