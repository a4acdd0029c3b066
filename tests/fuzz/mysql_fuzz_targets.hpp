// Bodies of the libFuzzer targets over the MySQL wire codec and classifier,
// as plain functions: the fuzzers (mysql_fuzz_main.cpp) call them, and the
// unit tests replay the fixtures and every committed crash input
// (tests/fuzz/regressions/<target>/) through them: tests/wire/mysql for the
// codec targets, tests/sql for the classifier.
//
// Each checks what must hold whatever the bytes and returns the invariant the
// input broke, or "" when all held; memory errors and undefined behaviour
// are left to the sanitizers.
#pragma once

#include <string_view>

#include "common/bytes.hpp"

namespace gh::fuzz {

// Packets and messages framed as a session reads them: the framer stays in
// its input and its limit, need_more consumes nothing, payloads add up.
std::string_view mysql_framing(bytes_view in);
// The connection phase: handshake, SSLRequest, HandshakeResponse41, auth
// switch and more data; what decodes re-encodes to what decodes the same.
std::string_view mysql_handshake(bytes_view in);
// Client messages through every command decoder; the ones with an encoder
// re-encode to the same bytes.
std::string_view mysql_command(bytes_view in);
// Server messages through a response tracker; the first byte chooses the
// command and capabilities. A tracker that is done stays done.
std::string_view mysql_response(bytes_view in);
// The classifier: the first byte chooses the sql_mode; the class is the
// strictest statement's, and classifying twice gives the same answer.
std::string_view mysql_classify(bytes_view in);

}  // namespace gh::fuzz
