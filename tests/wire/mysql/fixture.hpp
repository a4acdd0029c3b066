// Byte fixtures of the MySQL wire tests, and the framer grind over them.
//
// A fixture file (tests/wire/mysql/*.hex) is hex with optional whitespace
// and `#` comments. Three comment lines are required at the top:
//   # <what it is, which direction>
//   # source: <where the bytes came from>
//   # framing: packets
// capture/capture.py regenerates the captured ones from real traffic;
// capture/hand_written.py writes the caching_sha2 and clear-password ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "wire/mysql/error.hpp"

namespace gh::wire::mysql::test {

struct fixture {
  std::string name;    // file name without ".hex"
  std::string title;   // the first comment line
  std::string source;  // the "source:" line
  std::string bytes;   // the decoded bytes: whole packets, headers included
};

std::optional<std::string> parse_hex(std::string_view text);
std::vector<std::string> fixture_names();
// Loads one fixture; fails the running test when it is missing or malformed.
fixture load_fixture(std::string_view name);

// The payloads of a fixture's packets, in order (a message per packet: the
// fixtures hold no message of 16 MiB).
std::vector<std::string> payloads_of(std::string_view name);

inline bytes_view bytes_of(std::string_view s) noexcept { return as_bytes(s); }

// What the message framer made of a byte stream.
struct framed {
  std::uint8_t sequence = 0;
  std::string payload;
  std::size_t size = 0;
  bool operator==(const framed&) const = default;
};
struct grind_result {
  std::vector<framed> messages;
  std::optional<codec_error> error;
  std::size_t unconsumed = 0;
  std::string violations;  // broken framer contracts, empty if none
  bool operator==(const grind_result&) const = default;
};

// Feeds `input` to next_message in pieces cut at `cuts` (ascending
// offsets), as a session reading a socket would, checking on the way that
// need_more never consumes and never asks for fewer bytes than it has.
grind_result grind(std::string_view input, const std::vector<std::size_t>& cuts,
                   std::size_t max_payload = 1 << 20);

template <class R>
std::optional<typename R::error_type> error_of(const R& r) {
  if (r) return std::nullopt;
  return r.error();
}

}  // namespace gh::wire::mysql::test
