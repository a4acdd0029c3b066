#include "sql/pg/settings.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace gh::sql::pg {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// User-settable GUCs of PostgreSQL 15 that change neither rights, nor the
// read-only state, nor what the server logs, nor how it parses text. Sorted.
constexpr std::string_view harmless[] = {
    "application_name", "array_nulls", "backend_flush_after", "backslash_quote", "bytea_output",
    "check_function_bodies", "client_connection_check_interval", "client_min_messages",
    "commit_siblings", "constraint_exclusion", "cpu_index_tuple_cost", "cpu_operator_cost",
    "cpu_tuple_cost", "cursor_tuple_fraction", "datestyle", "default_statistics_target",
    "default_table_access_method", "default_tablespace", "default_text_search_config",
    "default_toast_compression", "default_transaction_deferrable",
    "default_transaction_isolation", "effective_cache_size", "effective_io_concurrency",
    "enable_async_append", "enable_bitmapscan", "enable_gathermerge", "enable_hashagg",
    "enable_hashjoin", "enable_incremental_sort", "enable_indexonlyscan", "enable_indexscan",
    "enable_material", "enable_memoize", "enable_mergejoin", "enable_nestloop",
    "enable_parallel_append", "enable_parallel_hash", "enable_partition_pruning",
    "enable_partitionwise_aggregate", "enable_partitionwise_join", "enable_seqscan",
    "enable_sort", "enable_tidscan", "escape_string_warning", "exit_on_error",
    "extra_float_digits", "force_parallel_mode", "from_collapse_limit", "geqo", "geqo_effort",
    "geqo_generations", "geqo_pool_size", "geqo_seed", "geqo_selection_bias", "geqo_threshold",
    "gin_fuzzy_search_limit", "gin_pending_list_limit", "hash_mem_multiplier",
    "idle_in_transaction_session_timeout", "idle_session_timeout", "intervalstyle", "jit",
    "jit_above_cost", "jit_expressions", "jit_inline_above_cost", "jit_optimize_above_cost",
    "jit_tuple_deforming", "join_collapse_limit", "lc_monetary", "lc_numeric", "lc_time",
    "lock_timeout", "logical_decoding_work_mem", "maintenance_io_concurrency",
    "maintenance_work_mem", "max_parallel_maintenance_workers", "max_parallel_workers",
    "max_parallel_workers_per_gather", "min_parallel_index_scan_size",
    "min_parallel_table_scan_size", "parallel_leader_participation", "parallel_setup_cost",
    "parallel_tuple_cost", "password_encryption", "plan_cache_mode", "quote_all_identifiers",
    "random_page_cost", "recursive_worktable_factor", "seq_page_cost", "statement_timeout",
    "stats_fetch_consistency", "synchronize_seqscans", "synchronous_commit",
    "tcp_keepalives_count", "tcp_keepalives_idle", "tcp_keepalives_interval",
    "tcp_user_timeout", "temp_buffers", "temp_tablespaces", "timezone", "timezone_abbreviations",
    "transaction_deferrable", "transaction_isolation", "transform_null_equals",
    "vacuum_cost_delay", "vacuum_cost_limit", "vacuum_cost_page_dirty", "vacuum_cost_page_hit",
    "vacuum_cost_page_miss", "vacuum_failsafe_age", "vacuum_freeze_min_age",
    "vacuum_freeze_table_age", "vacuum_multixact_failsafe_age",
    "vacuum_multixact_freeze_min_age", "vacuum_multixact_freeze_table_age", "wal_sender_timeout",
    "wal_skip_threshold", "work_mem", "xmlbinary", "xmloption",
};
static_assert(std::is_sorted(std::begin(harmless), std::end(harmless)));

// Client encodings in which every byte below 0x80 is ASCII (pg_wchar.h
// PG_VALID_BE_ENCODING plus names and aliases), with '-' and '_' removed. Any
// other client encoding (SJIS, BIG5, GBK, UHC, GB18030, JOHAB) lets a
// multi-byte character end in a quote or backslash byte: the server would
// read the text differently from the gateway's parser.
constexpr std::string_view ascii_safe_encodings[] = {
    "abc", "alt", "euccn", "eucjis2004", "eucjp", "euckr", "euctw", "iso88591", "iso885910",
    "iso885913", "iso885914", "iso885915", "iso885916", "iso88592", "iso88593", "iso88594",
    "iso88595", "iso88596", "iso88597", "iso88598", "iso88599", "koi8", "koi8r", "koi8u",
    "latin1", "latin10", "latin2", "latin3", "latin4", "latin5", "latin6", "latin7", "latin8",
    "latin9", "muleinternal", "sqlascii", "tcvn", "tcvn5712", "unicode", "utf8",
    "vscii", "win", "win1250", "win1251", "win1252", "win1253", "win1254", "win1255", "win1256",
    "win1257", "win1258", "win866", "win874", "windows1250", "windows1251", "windows1252",
    "windows1253", "windows1254", "windows1255", "windows1256", "windows1257", "windows1258",
    "windows866", "windows874",
};
static_assert(std::is_sorted(std::begin(ascii_safe_encodings), std::end(ascii_safe_encodings)));

bool sorted_contains(const auto& table, std::string_view key) {
  return std::binary_search(std::begin(table), std::end(table), key);
}

std::string encoding_key(std::string_view value) {
  // PostgreSQL's clean_encoding_name: keep letters and digits, lower-case.
  std::string out;
  for (char c : value) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

setting_verdict read_only_state(const std::string& name, std::optional<std::string_view> value) {
  if (value && parse_pg_bool(*value) == true)
    return {statement_class::read, name + " turned on only makes the session stricter"};
  return {statement_class::admin, "changing " + name + " can undo the read-only session"};
}

setting_verdict client_encoding(std::optional<std::string_view> value) {
  if (value && sorted_contains(ascii_safe_encodings, encoding_key(*value)))
    return {statement_class::read, "client_encoding " + std::string(*value) + " is ASCII-safe"};
  return {statement_class::admin,
          "client_encoding other than an ASCII-safe constant would make the server read "
          "statements differently from the gateway"};
}

}  // namespace

std::optional<bool> parse_pg_bool(std::string_view value) noexcept {
  std::string v;
  for (char c : value) {
    if (v.size() > 8) return std::nullopt;
    v += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (v.empty()) return std::nullopt;
  auto prefix_of = [&](std::string_view word, std::size_t min) {
    return v.size() >= min && v.size() <= word.size() && word.substr(0, v.size()) == v;
  };
  if (prefix_of("true", 1) || prefix_of("yes", 1) || v == "on" || v == "1") return true;
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || v == "0")
    return false;
  return std::nullopt;
}

setting_verdict classify_setting(std::string_view raw_name, std::optional<std::string_view> value) {
  const std::string name = lower(raw_name);
  if (name == "role" || name == "session_authorization")
    return {statement_class::admin, "changing " + name + " changes the session's rights"};
  if (name == "default_transaction_read_only" || name == "transaction_read_only")
    return read_only_state(name, value);
  if (name == "client_encoding") return client_encoding(value);
  if (name == "search_path")
    return {statement_class::read, "search_path is tracked by the session"};
  if (name == "row_security")
    return {statement_class::admin, "row_security changes how row-level security applies"};
  if (name == "standard_conforming_strings")
    return {statement_class::admin,
            "standard_conforming_strings changes how the server reads string literals"};
  if (name.find('.') != std::string::npos)
    return {statement_class::admin,
            "custom setting " + name + " may be read by row-level security or functions"};
  if (sorted_contains(harmless, name))
    return {statement_class::read, "setting " + name + " is harmless"};
  return {statement_class::admin,
          "setting " + name + " is not known to be harmless (rights, logging or server state)"};
}

}  // namespace gh::sql::pg
