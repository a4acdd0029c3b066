#include "sql/search_path.hpp"

#include <algorithm>
#include <iterator>

namespace gh::sql {
namespace {

constexpr std::size_t max_identifier_bytes = 63;  // NAMEDATALEN - 1

// SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace
// AND relkind IN ('r','v','m','p','f'), PostgreSQL 15, sorted bytewise.
constexpr std::string_view catalog_relations[] = {
    "pg_aggregate", "pg_am", "pg_amop", "pg_amproc", "pg_attrdef", "pg_attribute",
    "pg_auth_members", "pg_authid", "pg_available_extension_versions", "pg_available_extensions",
    "pg_backend_memory_contexts", "pg_cast", "pg_class", "pg_collation", "pg_config",
    "pg_constraint", "pg_conversion", "pg_cursors", "pg_database", "pg_db_role_setting",
    "pg_default_acl", "pg_depend", "pg_description", "pg_enum", "pg_event_trigger",
    "pg_extension", "pg_file_settings", "pg_foreign_data_wrapper", "pg_foreign_server",
    "pg_foreign_table", "pg_group", "pg_hba_file_rules", "pg_ident_file_mappings", "pg_index",
    "pg_indexes", "pg_inherits", "pg_init_privs", "pg_language", "pg_largeobject",
    "pg_largeobject_metadata", "pg_locks", "pg_matviews", "pg_namespace", "pg_opclass",
    "pg_operator", "pg_opfamily", "pg_parameter_acl", "pg_partitioned_table", "pg_policies",
    "pg_policy", "pg_prepared_statements", "pg_prepared_xacts", "pg_proc", "pg_publication",
    "pg_publication_namespace", "pg_publication_rel", "pg_publication_tables", "pg_range",
    "pg_replication_origin", "pg_replication_origin_status", "pg_replication_slots",
    "pg_rewrite", "pg_roles", "pg_rules", "pg_seclabel", "pg_seclabels", "pg_sequence",
    "pg_sequences", "pg_settings", "pg_shadow", "pg_shdepend", "pg_shdescription",
    "pg_shmem_allocations", "pg_shseclabel", "pg_stat_activity", "pg_stat_all_indexes",
    "pg_stat_all_tables", "pg_stat_archiver", "pg_stat_bgwriter", "pg_stat_database",
    "pg_stat_database_conflicts", "pg_stat_gssapi", "pg_stat_progress_analyze",
    "pg_stat_progress_basebackup", "pg_stat_progress_cluster", "pg_stat_progress_copy",
    "pg_stat_progress_create_index", "pg_stat_progress_vacuum", "pg_stat_recovery_prefetch",
    "pg_stat_replication", "pg_stat_replication_slots", "pg_stat_slru", "pg_stat_ssl",
    "pg_stat_subscription", "pg_stat_subscription_stats", "pg_stat_sys_indexes",
    "pg_stat_sys_tables", "pg_stat_user_functions", "pg_stat_user_indexes",
    "pg_stat_user_tables", "pg_stat_wal", "pg_stat_wal_receiver", "pg_stat_xact_all_tables",
    "pg_stat_xact_sys_tables", "pg_stat_xact_user_functions", "pg_stat_xact_user_tables",
    "pg_statio_all_indexes", "pg_statio_all_sequences", "pg_statio_all_tables",
    "pg_statio_sys_indexes", "pg_statio_sys_sequences", "pg_statio_sys_tables",
    "pg_statio_user_indexes", "pg_statio_user_sequences", "pg_statio_user_tables",
    "pg_statistic", "pg_statistic_ext", "pg_statistic_ext_data", "pg_stats", "pg_stats_ext",
    "pg_stats_ext_exprs", "pg_subscription", "pg_subscription_rel", "pg_tables",
    "pg_tablespace", "pg_timezone_abbrevs", "pg_timezone_names", "pg_transform", "pg_trigger",
    "pg_ts_config", "pg_ts_config_map", "pg_ts_dict", "pg_ts_parser", "pg_ts_template",
    "pg_type", "pg_user", "pg_user_mapping", "pg_user_mappings", "pg_views",
};
static_assert(std::is_sorted(std::begin(catalog_relations), std::end(catalog_relations)));

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// truncate_identifier: at most 63 bytes, never inside a UTF-8 character.
void truncate_identifier(std::string& s) {
  if (s.size() <= max_identifier_bytes) return;
  std::size_t cut = max_identifier_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
}

bool is_temp_schema(std::string_view s) {
  return s == "pg_temp" || s.substr(0, 8) == "pg_temp_";
}

}  // namespace

std::string_view to_string(search_path_error e) noexcept {
  switch (e) {
    case search_path_error::unterminated_quote: return "unterminated quoted name";
    case search_path_error::empty_name: return "empty schema name";
    case search_path_error::junk_after_name: return "unexpected text after a schema name";
  }
  return "invalid search_path";
}

expected<search_path, search_path_error> parse_search_path(std::string_view v) {
  search_path out;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < v.size() && is_space(v[i])) ++i;
  };
  skip_space();
  if (i == v.size()) return out;
  for (;;) {
    std::string name;
    if (v[i] == '"') {
      for (++i;; ++i) {
        if (i >= v.size()) return unexpected(search_path_error::unterminated_quote);
        if (v[i] == '"') {
          if (i + 1 < v.size() && v[i + 1] == '"') {
            name += '"';
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          name += v[i];
        }
      }
    } else {
      const std::size_t start = i;
      while (i < v.size() && v[i] != ',' && !is_space(v[i])) ++i;
      if (i == start) return unexpected(search_path_error::empty_name);
      for (char c : v.substr(start, i - start))
        name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    truncate_identifier(name);
    out.schemas.push_back(std::move(name));
    skip_space();
    if (i == v.size()) return out;
    if (v[i] != ',') return unexpected(search_path_error::junk_after_name);
    ++i;
    skip_space();
  }
}

bool is_pg_catalog_relation(std::string_view name) noexcept {
  return std::binary_search(std::begin(catalog_relations), std::end(catalog_relations), name);
}

std::optional<table_name> resolve_table_name(const table_name& table, const search_path& path,
                                             std::string_view session_user,
                                             const std::set<std::string>& known_schemas) {
  if (!table.schema.empty()) return table;
  const auto& s = path.schemas;
  const auto catalog_at = std::find(s.begin(), s.end(), "pg_catalog");
  if (is_pg_catalog_relation(table.name)) {
    // pg_catalog comes first unless listed; when listed, only the schemas
    // before it (other than pg_temp, which holds no catalog names) precede it.
    const bool catalog_first =
        catalog_at == s.end() ||
        std::all_of(s.begin(), catalog_at, [](const std::string& x) { return is_temp_schema(x); });
    if (catalog_first) return table_name{"pg_catalog", table.name};
  }
  auto exists = [&](const std::string& schema) {
    return known_schemas.empty() || known_schemas.count(schema) > 0;
  };
  for (const auto& schema : s) {
    if (schema == "$user") {
      const std::string user(session_user);
      if (!user.empty() && !known_schemas.empty() && known_schemas.count(user)) return table_name{user, table.name};
      continue;
    }
    if (is_temp_schema(schema) || schema == "pg_catalog") continue;
    if (exists(schema)) return table_name{schema, table.name};
  }
  return std::nullopt;
}

std::string resolve_table(const table_name& table, const search_path& path, std::string_view session_user,
                          const std::set<std::string>& known_schemas) {
  auto t = resolve_table_name(table, path, session_user, known_schemas);
  return t ? t->schema + "." + t->name : std::string();
}

}  // namespace gh::sql
