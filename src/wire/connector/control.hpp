// Control connection messages of the connector protocol (framing.hpp has the
// whole exchange; docs/connectors.md the why). Each decode takes a frame's
// body; each encode appends a whole frame and returns false, appending
// nothing, when a field cannot be represented (too long, or a NUL in text).
//
//   hello     'H' | text name | text token
//   welcome   'W' | (empty)
//   refused   'R' | text reason
//   heartbeat 'B' | (empty)
//   open      'O' | Byte16 session id | Byte32 nonce | text connection | Byte1 read-only (0|1)
//                 | Int16 n | (text name | text value)[n]
//   cancel    'X' | Byte16 session id
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/connector/error.hpp"

namespace gh::wire::connector {

inline constexpr std::size_t nonce_size = 32;

struct hello {
  std::string name;
  std::string token;   // a secret: never logged
  bool operator==(const hello&) const = default;
};

struct refused {
  std::string reason;
  bool operator==(const refused&) const = default;
};

struct open_request {
  std::string session_id;   // session_id_size random bytes, never all zero
  std::string nonce;        // nonce_size random bytes, used once
  std::string connection;   // the connection's name, as both files spell it
  bool read_only = true;    // the second wall: default_transaction_read_only=on
  std::vector<std::pair<std::string, std::string>> params;  // passed-through startup params
  bool operator==(const open_request&) const = default;
};

struct cancel_request {
  std::string session_id;
  bool operator==(const cancel_request&) const = default;
};

bool encode_hello(std::string& out, const hello& m);
expected<hello, codec_error> decode_hello(bytes_view body);

void encode_welcome(std::string& out);
expected<bool, codec_error> decode_welcome(bytes_view body);

bool encode_refused(std::string& out, const refused& m);
expected<refused, codec_error> decode_refused(bytes_view body);

void encode_heartbeat(std::string& out);
expected<bool, codec_error> decode_heartbeat(bytes_view body);

bool encode_open(std::string& out, const open_request& m);
expected<open_request, codec_error> decode_open(bytes_view body);

bool encode_cancel(std::string& out, const cancel_request& m);
expected<cancel_request, codec_error> decode_cancel(bytes_view body);

}  // namespace gh::wire::connector
