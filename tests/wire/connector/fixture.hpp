// Byte fixtures of the connector protocol tests (tests/wire/connector/*.hex),
// and the reader that frames a stream of them as a connection would.
//
// A fixture is hex with whitespace and `#` comments; its first three lines:
//   # <what it is, which direction>
//   # source: <where the bytes came from>
//   # framing: preamble | frames | preamble+frames
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/connector/error.hpp"
#include "wire/connector/preamble.hpp"

namespace gh::wire::connector::test {

struct fixture {
  std::string name;
  std::string title;
  std::string framing;
  std::string bytes;
};

std::optional<std::string> parse_hex(std::string_view text);
std::vector<std::string> fixture_names();
fixture load_fixture(std::string_view name);
// The body of a one-frame fixture.
std::string body_of(std::string_view name);

struct framed {
  char type = 0;
  std::string body;
  bool operator==(const framed&) const = default;
};

struct read_result {
  std::optional<preamble> head;
  std::vector<framed> frames;
  std::optional<codec_error> error;
  std::size_t unconsumed = 0;
  std::string violations;     // broken step-function contracts, empty if none
  bool operator==(const read_result&) const = default;
};

// Feeds `input` in pieces cut at `cuts` (ascending), reading the preamble
// first when `with_preamble`, then frames of at most `max_body`.
read_result read_stream(std::string_view input, bool with_preamble, const std::vector<std::size_t>& cuts,
                        std::uint32_t max_body = 1 << 20);

}  // namespace gh::wire::connector::test
