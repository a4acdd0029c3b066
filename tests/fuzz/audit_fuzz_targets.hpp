// The body of audit_journal_fuzz, as a plain function so that gh_audit_tests
// replays the seed corpus and committed crash inputs in every build.
#pragma once

#include <string_view>

#include "common/bytes.hpp"

namespace gh::fuzz {

// Arbitrary bytes as a journal: decoded record by record as the ingester
// does. Returns "" or the invariant that broke.
std::string_view audit_journal(bytes_view data);

}  // namespace gh::fuzz
