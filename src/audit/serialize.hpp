// Journal records: an audit event as the bytes a gateway io thread appends to
// its journal before it forwards the statement (store/journal.hpp), and back.
//
// Layout (version 1), all integers big-endian:
//   record = length:u32  crc:u32  body[length]
//     length  size of body, body_min <= length <= record_max; checked as soon as
//             its 4 bytes are seen, before anything is buffered for it
//     crc     CRC-32C over the 4 length bytes, then the body
//   body   = version:u8 (=1)  kind:u8  time_us:i64  duration_us:i64  rows:i64
//            statement_length:u64
//            principal session client connection statement cls decision rule
//            reviewer ref error statement_id      (each: len:u32 + bytes)
//            tables: count:u32, then count x (len:u32 + bytes)
//
// A crash can leave a torn record at a journal's end: it reads as need_more
// (never as an event), or as bad_checksum when the OS left garbage behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "audit/event.hpp"
#include "common/bytes.hpp"
#include "common/expected.hpp"

namespace gh::audit {

inline constexpr std::size_t record_header_size = 8;
inline constexpr std::uint8_t record_version = 1;
// The fixed part of a body: version, kind, 4 integers, 12 empty strings, an
// empty table list. No valid record is shorter.
inline constexpr std::uint32_t body_min = 1 + 1 + 4 * 8 + 12 * 4 + 4;
// The largest body any writer produces or any reader accepts. Fixed, not
// configured, so that every reader accepts what any writer wrote: room for a
// 64 MiB statement (the largest message the protocol layer takes) and more.
inline constexpr std::uint32_t record_max = 80u << 20;

enum class encode_error : std::uint8_t {
  too_large = 1,  // the record would exceed record_max even with the statement cut
};

// Appends `ev` as one record to `out` (which it grows; reuse it to avoid
// allocating). A statement longer than `statement_max` bytes is cut there (at
// a UTF-8 character boundary) and its full length kept in statement_length.
// On error `out` is left as it was.
expected<void, encode_error> append_record(std::string& out, const event& ev,
                                           std::size_t statement_max);

enum class decode_status : std::uint8_t {
  complete,      // `body` holds a whole record whose checksum matched
  need_more,     // not a whole record yet; nothing is consumed
  bad_length,    // the length claim is impossible: nothing after it can be trusted
  bad_checksum,  // a whole record whose checksum fails: `used` skips it
  malformed,     // checksum fine, body not a version-1 event: `used` skips it
};

struct frame {
  decode_status status = decode_status::need_more;
  std::size_t used = 0;  // bytes the caller may consume (0 unless complete/bad_checksum/malformed)
  bytes_view body;       // only when complete
};

// Step function over the start of `in`: a record, a request for more bytes, or
// an error. Never reads past `in`, never allocates.
frame next_record(bytes_view in) noexcept;

// Decodes a body returned by next_record into `out` (reusing its strings).
// complete, or malformed (then `out` holds partial garbage).
decode_status decode_body(bytes_view body, event& out);

// next_record, then decode_body: the whole step for callers that want events.
frame decode_record(bytes_view in, event& out);

std::string_view to_string(decode_status s) noexcept;

}  // namespace gh::audit
