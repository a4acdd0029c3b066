// Bodies of the libFuzzer targets over the PostgreSQL wire codecs, as plain
// functions: the fuzzers (pg_fuzz_main.cpp) call them, and the unit tests
// (tests/wire/pg/fuzz_replay_test.cpp) replay the fixtures and every
// committed crash input (tests/fuzz/regressions/<target>/) through them.
//
// Each frames its input as a session would, decodes every message, and
// checks what must hold whatever the bytes: the framer stays inside its
// input and its limit, need_more consumes nothing, and what decodes
// re-encodes to the same bytes where an encoder exists. It returns the
// invariant the input broke, or "" when all held; memory errors and
// undefined behaviour are left to the sanitizers.
#pragma once

#include <string_view>

#include "common/bytes.hpp"

namespace gh::fuzz {

// Typed frontend messages, each through every frontend decoder.
std::string_view pg_frontend(bytes_view in);
// Typed backend messages, each through every backend decoder.
std::string_view pg_backend(bytes_view in);
// Startup packets (SSL and GSSENC requests first, as a client may send
// them), then typed frontend messages after a StartupMessage.
std::string_view pg_startup(bytes_view in);
// Backend messages driving a SCRAM client: SASLContinue data as the
// server-first message, SASLFinal data as the server-final message.
std::string_view pg_scram(bytes_view in);

}  // namespace gh::fuzz
