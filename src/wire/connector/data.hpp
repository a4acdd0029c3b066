// Data connection messages of the connector protocol (framing.hpp has the
// whole exchange). After `ready` the connection carries raw PostgreSQL
// protocol, so these are the only frames it ever holds.
//
//   data    'D' | Byte16 session id | Byte32 nonce
//   ready   'Y' | blob greeting | Int32 pid | Int32 secret | Byte1 tx status ('I'|'T'|'E')
//   failed  'F' | text sqlstate (5 of [0-9A-Z]) | text message
//
// The greeting is what the database sent between AuthenticationOk and its
// first ReadyForQuery, as sent: ParameterStatus ('S') and NoticeResponse
// ('N') messages only, each whole (checked by decode_ready, since the
// gateway writes them to its client as they are).
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/connector/error.hpp"

namespace gh::wire::connector {

struct data_hello {
  std::string session_id;
  std::string nonce;
  bool operator==(const data_hello&) const = default;
};

struct ready {
  std::string greeting;
  std::int32_t pid = 0;      // the database backend's own key (the gateway issues its own)
  std::int32_t secret = 0;
  char tx_status = 'I';
  bool operator==(const ready&) const = default;
};

struct failed {
  std::string sqlstate;
  std::string message;       // for the client: names the connection, never an address or secret
  bool operator==(const failed&) const = default;
};

bool encode_data_hello(std::string& out, const data_hello& m);
expected<data_hello, codec_error> decode_data_hello(bytes_view body);

bool encode_ready(std::string& out, const ready& m);
expected<ready, codec_error> decode_ready(bytes_view body);

bool encode_failed(std::string& out, const failed& m);
expected<failed, codec_error> decode_failed(bytes_view body);

// True when `greeting` is whole ParameterStatus and NoticeResponse messages.
bool valid_greeting(bytes_view greeting) noexcept;

}  // namespace gh::wire::connector
