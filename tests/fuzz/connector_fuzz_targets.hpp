// Body of the libFuzzer target over the connector protocol codec
// (src/wire/connector), as a plain function: the fuzzer
// (connector_fuzz_main.cpp) calls it, and tests/wire/connector replays the
// fixtures and every committed crash input through it.
//
// It reads its input as a connection would: a preamble when the input
// starts like one, then frames, each through every decoder. What must hold
// whatever the bytes: the step functions stay inside their input and
// limits, need_more consumes nothing, and what decodes re-encodes to the
// very same frame. It returns the invariant the input broke, or "".
#pragma once

#include <string_view>

#include "common/bytes.hpp"

namespace gh::fuzz {

std::string_view connector_stream(bytes_view in);

}  // namespace gh::fuzz
