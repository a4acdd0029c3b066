// Byte fixtures of the PostgreSQL wire tests, and the framer grind over them.
//
// A fixture file (tests/wire/pg/*.hex) is hex with optional whitespace and
// `#` comments. Three comment lines are required at the top:
//   # <what it is, which direction>
//   # source: <where the bytes came from>
//   # framing: startup | typed
// capture/capture.sh regenerates them from real traffic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/pg/error.hpp"
#include "wire/pg/framing.hpp"

namespace gh::wire::pg::test {

struct fixture {
  std::string name;     // file name without ".hex"
  std::string title;    // the first comment line
  std::string source;   // the "source:" line
  bool startup = false; // "framing: startup"
  std::string bytes;    // the decoded bytes
};

// Hex text with whitespace and `#` comments to bytes; nullopt on a non-hex
// digit or an odd digit count.
std::optional<std::string> parse_hex(std::string_view text);

// Every *.hex file in tests/wire/pg, sorted by name.
std::vector<std::string> fixture_names();
// Loads one fixture; fails the running test (and returns an empty one) when
// the file is missing or malformed.
fixture load_fixture(std::string_view name);

// One fixture holding a single message: its body (after the type byte and
// length, or for startup packets after the length).
std::string body_of(std::string_view name);

// What the framer made of a byte stream.
struct framed {
  char type = 0;
  std::string body;
  std::size_t size = 0;
  bool operator==(const framed&) const = default;
};
struct grind_result {
  std::vector<framed> frames;
  std::optional<codec_error> error;
  std::size_t unconsumed = 0;   // bytes held back at the end, waiting for more
  std::string violations;       // broken framer contracts, empty if none
  bool operator==(const grind_result&) const = default;
};

// Feeds `input` to the framer in pieces cut at `cuts` (ascending offsets),
// as a session reading from a socket would: after each piece, frame until
// need_more. Startup framing frames the first packet only, then typed ones.
// Checks on the way that need_more never consumes and never asks for fewer
// bytes than it has.
grind_result grind(std::string_view input, bool startup, const std::vector<std::size_t>& cuts,
                   std::uint32_t max_size = 1 << 20);

inline bytes_view bytes_of(std::string_view s) noexcept { return as_bytes(s); }

// The error of a result, or nullopt when it holds a value: comparable in
// EXPECT_EQ without aborting on an unexpected success.
template <class R>
std::optional<typename R::error_type> error_of(const R& r) {
  if (r) return std::nullopt;
  return r.error();
}

}  // namespace gh::wire::pg::test
