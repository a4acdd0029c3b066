// The connector protocol's plaintext preamble (docs/connectors.md).
//
// Every connection a connector dials to `gateway.connectors.listen` opens
// with 24 bytes in the clear, then the TLS handshake:
//
//   "GHCN" | Byte1 version (1) | Byte1 kind ('C' control, 'D' data) | Int16 0 | Byte16 route
//
// The route is the session id a data connection serves (zeros on a control
// connection). It is not a secret: it only lets the gateway hand the socket
// to the thread where that session waits before TLS starts, as PostgreSQL's
// SSLRequest comes before its TLS. What proves the data connection is the
// one-time nonce, sent inside TLS (data.hpp).
//
// decode_preamble is a step function (STYLE.md §1): it rejects a wrong magic
// or version as soon as the byte arrives, without waiting for all 24.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "wire/connector/error.hpp"

namespace gh::wire::connector {

inline constexpr std::size_t preamble_size = 24;
inline constexpr std::size_t session_id_size = 16;
inline constexpr std::uint8_t protocol_version = 1;

enum class link_kind : char { control = 'C', data = 'D' };

struct preamble {
  link_kind kind = link_kind::control;
  std::string route;  // session_id_size bytes; all zero for control
  bool operator==(const preamble&) const = default;
};

enum class step_status : std::uint8_t { ready, need_more, error };

struct preamble_step {
  step_status status = step_status::need_more;
  codec_error error{};
  preamble value;  // when ready; it used exactly preamble_size bytes
};

preamble_step decode_preamble(bytes_view in);

// Precondition: route is empty (control) or session_id_size bytes (data).
std::string encode_preamble(const preamble& p);

}  // namespace gh::wire::connector
