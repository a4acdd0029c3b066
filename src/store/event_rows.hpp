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

// The event columns in the order read_event_row expects them. A row with a
// folded outcome (audit/fold.hpp) holds the outcome's decision in `outcome`
// (NULL in every other row), its time in `outcome_time_us`, and its
// duration, rows and error in the row's own columns for them.
inline constexpr std::string_view event_columns =
    "seq, time_us, kind, principal, session, client, connection, statement, statement_length, "
    "class, tables, decision, rule, reviewer, ref, duration_us, rows, error, statement_id, "
    "prev_hash, hash, outcome, outcome_time_us";
inline constexpr int event_column_count = 23;

// Binds (seq, ev, outcome, prev_hash, hash) to parameters first..first+22 of
// an INSERT listing event_columns; `outcome` is null for a row of one event.
// Text is bound without copying: the events, `tables_text` and the hashes
// must outlive the step(). `tables_text` is encode_tables(ev.tables).
// Precondition: outcome is null or foldable(ev, *outcome).
void bind_event_row(sqlite_stmt& s, int first, std::int64_t seq, const audit::event& ev,
                    const audit::event* outcome, std::string_view tables_text,
                    std::string_view prev_hash, std::string_view hash) noexcept;

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
