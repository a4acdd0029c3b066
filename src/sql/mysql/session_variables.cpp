#include "sql/mysql/session_variables.hpp"

#include <algorithm>
#include <iterator>

#include "sql/mysql/classify.hpp"
#include "sql/mysql/statement_tokens.hpp"

namespace gh::sql::mysql {
namespace {

// Session variables of MariaDB 10.11 and MySQL 8 that change neither rights,
// nor the read-only state, nor what the server logs or replicates, nor how it
// reads statement text. Sorted.
constexpr std::string_view harmless[] = {
    "analyze_sample_percentage", "autocommit", "big_tables", "block_encryption_mode",
    "bulk_insert_buffer_size", "character_set_results", "completion_type", "cte_max_recursion_depth",
    "default_regex_flags", "default_storage_engine", "default_tmp_storage_engine",
    "default_week_format", "div_precision_increment", "eq_range_index_dive_limit",
    "expensive_subquery_limit", "explicit_defaults_for_timestamp", "group_concat_max_len",
    "histogram_size", "histogram_type", "identity", "idle_readonly_transaction_timeout",
    "idle_transaction_timeout", "idle_write_transaction_timeout",
    "in_predicate_conversion_threshold", "innodb_ft_enable_stopword", "innodb_lock_wait_timeout",
    "innodb_strict_mode", "innodb_table_locks", "insert_id", "interactive_timeout",
    "join_buffer_size", "join_buffer_space_limit", "join_cache_level", "last_insert_id",
    "lc_messages", "lc_time_names", "lock_wait_timeout", "max_error_count",
    "max_execution_time", "max_heap_table_size", "max_join_size", "max_length_for_sort_data",
    "max_recursive_iterations", "max_seeks_for_key", "max_session_mem_used", "max_sort_length",
    "max_sp_recursion_depth", "max_statement_time", "mrr_buffer_size", "net_read_timeout",
    "net_retry_count", "net_write_timeout", "optimizer_max_sel_arg_weight",
    "optimizer_prune_level", "optimizer_search_depth", "optimizer_selectivity_sampling_limit",
    "optimizer_switch", "optimizer_trace", "optimizer_trace_max_mem_size",
    "optimizer_use_condition_selectivity", "preload_buffer_size", "profiling",
    "profiling_history_size", "query_alloc_block_size", "query_cache_type",
    "query_cache_wlock_invalidate", "query_prealloc_size", "rand_seed1", "rand_seed2",
    "range_alloc_block_size", "read_buffer_size", "read_rnd_buffer_size",
    "rowid_merge_buff_size", "sort_buffer_size",
    "sql_auto_is_null", "sql_big_selects", "sql_buffer_result", "sql_if_exists",
    "sql_max_join_size", "sql_notes", "sql_quote_show_create", "sql_safe_updates",
    "sql_select_limit", "sql_warnings", "standard_compliant_cte", "storage_engine",
    "time_zone", "timestamp", "tmp_disk_table_size", "tmp_memory_table_size", "tmp_table_size",
    "transaction_alloc_block_size", "transaction_prealloc_size", "updatable_views_with_limit", "use_stat_tables", "wait_timeout",
};
static_assert(std::is_sorted(std::begin(harmless), std::end(harmless)));

constexpr std::string_view lexable_charsets[] = {"utf8", "utf8mb3", "utf8mb4"};

// String literals are converted from character_set_client to
// character_set_connection, and PREPARE / EXECUTE IMMEDIATE lex the converted
// text: a character set without a backslash (swe7) or without some utf8mb4
// characters (utf8mb3, latin1: they become '?') would make the server run a
// text other than the one classified. Only utf8mb4 holds every character of
// every lexable client set.
variable_verdict connection_charset_verdict(const std::string& n, const variable_value& value) {
  if (value.text) {
    const std::string v = to_lower(*value.text);
    if (n == "character_set_connection" ? v == "utf8mb4" : v.starts_with("utf8mb4_"))
      return {statement_class::read, n + " " + v + " converts literals without loss"};
  }
  return {statement_class::unknown,
          n + " other than utf8mb4 changes the text of string literals, which PREPARE and "
              "EXECUTE IMMEDIATE then run"};
}

// SERIALIZABLE turns every plain SELECT into a locking read in InnoDB (what
// LOCK IN SHARE MODE does): locks other sessions wait on are a write.
variable_verdict isolation_verdict(const std::string& n, const variable_value& value) {
  if (value.is_default)
    return {statement_class::read, n + " back to the server's global isolation level"};
  if (value.text) {
    const std::string v = to_lower(*value.text);
    if (v == "read-uncommitted" || v == "read-committed" || v == "repeatable-read" || v == "0" ||
        v == "1" || v == "2")
      return {statement_class::read, n + " " + v + " takes no locks for plain reads"};
  }
  return {statement_class::write,
          n + " SERIALIZABLE (or a value the classifier cannot read) makes every read take "
              "shared locks other sessions wait on"};
}

variable_verdict sql_mode_verdict(const variable_value& value) {
  if (value.is_default)
    return {statement_class::read, "sql_mode back to the server's global value, which the session tracks"};
  if (!value.text)
    return {statement_class::unknown,
            "sql_mode set from an expression: the session could not know how the server reads "
            "what follows"};
  if (!lex_mode_of_sql_mode(*value.text))
    return {statement_class::unknown,
            "sql_mode '" + *value.text + "' changes the grammar in ways the classifier does not model"};
  return {statement_class::read, "sql_mode is tracked by the session"};
}

}  // namespace

bool is_true_value(std::string_view v) noexcept {
  return v == "1" || iequals(v, "ON") || iequals(v, "TRUE");
}

bool is_lexable_charset(std::string_view name) noexcept {
  const std::string lower = to_lower(name);
  return std::find(std::begin(lexable_charsets), std::end(lexable_charsets), lower) !=
         std::end(lexable_charsets);
}

variable_verdict classify_variable(std::string_view name, const variable_value& value) {
  const std::string n(name);
  if (n == "sql_mode") return sql_mode_verdict(value);
  if (n == "transaction_read_only" || n == "tx_read_only") {
    if (value.text && is_true_value(*value.text))
      return {statement_class::read, n + " turned on only makes the session stricter"};
    return {statement_class::admin, "changing " + n + " can undo the read-only session"};
  }
  if (n == "character_set_client") {
    if (value.text && is_lexable_charset(*value.text))
      return {statement_class::read, "character_set_client " + *value.text + " is lexed like utf8mb4"};
    return {statement_class::unknown,
            "a client character set other than utf8mb4/utf8mb3 would make the server read "
            "statements differently from the gateway"};
  }
  if (n == "character_set_connection" || n == "collation_connection")
    return connection_charset_verdict(n, value);
  if (n == "tx_isolation" || n == "transaction_isolation") return isolation_verdict(n, value);
  // The gateway follows the session's database, sql_mode and read-only state
  // through these, and MariaDB does not report a change of the list itself;
  // the rest of session_track_* is what a client sees of the session's state.
  if (n.starts_with("session_track_"))
    return {statement_class::admin, n + " is how the gateway follows the session's state"};
  if (n == "foreign_key_checks" || n == "unique_checks")
    return {statement_class::admin, n + " turns off integrity checks for this session's writes"};
  if (n.find('.') != std::string::npos)
    return {statement_class::admin, "structured variable " + n + " is global (key caches)"};
  if (std::binary_search(std::begin(harmless), std::end(harmless), n))
    return {statement_class::read, "variable " + n + " is harmless"};
  return {statement_class::admin,
          "variable " + n + " is not known to be harmless (rights, logging, replication or server state)"};
}

std::optional<lex_mode> lex_mode_of_sql_mode(std::string_view value) {
  // MariaDB 10.11 and MySQL 8 sql_mode names (upper case), sorted.
  static constexpr std::string_view plain[] = {
      "ALLOW_INVALID_DATES", "ANSI", "ANSI_QUOTES", "DB2", "EMPTY_STRING_IS_NULL",
      "ERROR_FOR_DIVISION_BY_ZERO", "HIGH_NOT_PRECEDENCE", "IGNORE_BAD_TABLE_OPTIONS",
      "IGNORE_SPACE", "MAXDB", "MYSQL323", "MYSQL40", "NO_AUTO_CREATE_USER",
      "NO_AUTO_VALUE_ON_ZERO", "NO_BACKSLASH_ESCAPES", "NO_DIR_IN_CREATE", "NO_ENGINE_SUBSTITUTION",
      "NO_FIELD_OPTIONS", "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "NO_UNSIGNED_SUBTRACTION",
      "NO_ZERO_DATE", "NO_ZERO_IN_DATE", "ONLY_FULL_GROUP_BY", "PAD_CHAR_TO_FULL_LENGTH",
      "PIPES_AS_CONCAT", "POSTGRESQL", "REAL_AS_FLOAT", "SIMULTANEOUS_ASSIGNMENT",
      "STRICT_ALL_TABLES", "STRICT_TRANS_TABLES", "TIME_ROUND_FRACTIONAL",
      "TIME_TRUNCATE_FRACTIONAL", "TRADITIONAL",
  };
  static_assert(std::is_sorted(std::begin(plain), std::end(plain)));
  // Combination modes that include ANSI_QUOTES. MSSQL and ORACLE are left
  // out above: MariaDB then reads [name] as an identifier, and ORACLE is
  // another grammar.
  static constexpr std::string_view quoting[] = {"ANSI", "ANSI_QUOTES", "DB2", "MAXDB",
                                                 "POSTGRESQL"};
  lex_mode mode;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view part = value.substr(start, comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    start = comma + 1;
    if (part.empty()) continue;  // '' and 'A,,B' are accepted by the server
    const std::string upper = to_upper(part);
    if (!std::binary_search(std::begin(plain), std::end(plain), upper)) return std::nullopt;
    if (upper == "NO_BACKSLASH_ESCAPES") mode.no_backslash_escapes = true;
    if (std::find(std::begin(quoting), std::end(quoting), upper) != std::end(quoting))
      mode.ansi_quotes = true;
  }
  return mode;
}

}  // namespace gh::sql::mysql
