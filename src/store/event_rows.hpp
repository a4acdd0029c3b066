// How an audit event maps onto a row of the `events` table and back. The
// mapping is exact (every byte of every field survives), because `audit
// verify` recomputes each hash from the row it reads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/chain.hpp"
#include "audit/event.hpp"
#include "store/sqlite_db.hpp"

namespace gh::store {

// The event columns in the order read_event_row expects them.
inline constexpr std::string_view event_columns =
    "seq, time_us, kind, principal, session, client, connection, statement, statement_length, "
    "class, tables, decision, rule, reviewer, ref, duration_us, rows, error, statement_id, "
    "prev_hash, hash";
inline constexpr int event_column_count = 21;

// Binds (seq, ev, prev_hash, hash) to parameters 1..21 of an INSERT listing
// event_columns. Text is bound without copying: `ev`, `tables_text` and the
// hashes must outlive the step(). `tables_text` is encode_tables(ev.tables).
void bind_event_row(sqlite_stmt& s, std::int64_t seq, const audit::event& ev,
                    std::string_view tables_text, std::string_view prev_hash,
                    std::string_view hash) noexcept;

// Reads a row SELECTed as event_columns, starting at column `first`.
void read_event_row(const sqlite_stmt& s, int first, audit::stored_event& out);

// The `tables` column: one name per line, readable in the sqlite3 shell and
// searchable with LIKE. '\' and a newline inside a name are escaped as "\\"
// and "\n"; an empty name is "\e", so the list comes back exactly.
void encode_tables(const std::vector<std::string>& tables, std::string& out);
std::vector<std::string> decode_tables(std::string_view text);

// The `kind` column holds the kind's name ("statement", "outcome", ...);
// unknown text reads back as a kind no event has, so its hash fails.
audit::event_kind kind_from_text(std::string_view text) noexcept;

}  // namespace gh::store
