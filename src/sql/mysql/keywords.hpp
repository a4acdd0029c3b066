// Reserved words: what cannot be an unquoted table name or alias, so that a
// word after a table reference is read as the server reads it (an alias, or
// the start of the next clause).
#pragma once

#include <string_view>

namespace gh::sql::mysql {

bool is_reserved(std::string_view upper_word) noexcept;

}  // namespace gh::sql::mysql
