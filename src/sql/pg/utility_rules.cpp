// DDL, rights and server-level objects, maintenance (docs/classification.md).
// Schema objects are ddl; what changes who may do what, or reaches beyond
// one database's schema (roles, databases, tablespaces, extensions, foreign
// servers, replication, server configuration), is admin. Anything else is
// unknown: a new statement kind is never silently allowed.
#include <algorithm>
#include <iterator>

#include "sql/pg/statement_rules.hpp"

namespace gh::sql::pg {
namespace {

enum class why : std::uint8_t { schema, maintenance, rights, server };

struct utility {
  std::string_view type;  // the parse node
  std::string_view kind;
  why category;
};

// Sorted by node type, for the binary search.
constexpr utility utilities[] = {
    {"AlterCollationStmt", "alter_collation", why::schema},
    {"AlterDatabaseRefreshCollStmt", "alter_database", why::server},
    {"AlterDatabaseSetStmt", "alter_database_set", why::server},
    {"AlterDatabaseStmt", "alter_database", why::server},
    {"AlterDefaultPrivilegesStmt", "alter_default_privileges", why::rights},
    {"AlterDomainStmt", "alter_domain", why::schema},
    {"AlterEnumStmt", "alter_type", why::schema},
    {"AlterEventTrigStmt", "alter_event_trigger", why::server},
    {"AlterExtensionContentsStmt", "alter_extension", why::server},
    {"AlterExtensionStmt", "alter_extension", why::server},
    {"AlterFdwStmt", "alter_foreign_data_wrapper", why::server},
    {"AlterForeignServerStmt", "alter_server", why::server},
    {"AlterFunctionStmt", "alter_function", why::schema},
    {"AlterObjectDependsStmt", "alter_depends", why::schema},
    {"AlterObjectSchemaStmt", "alter_set_schema", why::schema},
    {"AlterOpFamilyStmt", "alter_operator_family", why::schema},
    {"AlterOperatorStmt", "alter_operator", why::schema},
    {"AlterOwnerStmt", "alter_owner", why::rights},
    {"AlterPolicyStmt", "alter_policy", why::rights},
    {"AlterPublicationStmt", "alter_publication", why::server},
    {"AlterRoleSetStmt", "alter_role_set", why::rights},
    {"AlterRoleStmt", "alter_role", why::rights},
    {"AlterSeqStmt", "alter_sequence", why::schema},
    {"AlterStatsStmt", "alter_statistics", why::schema},
    {"AlterSubscriptionStmt", "alter_subscription", why::server},
    {"AlterSystemStmt", "alter_system", why::server},
    {"AlterTSConfigurationStmt", "alter_text_search", why::schema},
    {"AlterTSDictionaryStmt", "alter_text_search", why::schema},
    {"AlterTableMoveAllStmt", "alter_tablespace_move", why::server},
    {"AlterTableSpaceOptionsStmt", "alter_tablespace", why::server},
    {"AlterTypeStmt", "alter_type", why::schema},
    {"AlterUserMappingStmt", "alter_user_mapping", why::server},
    {"ClusterStmt", "cluster", why::maintenance},
    {"CompositeTypeStmt", "create_type", why::schema},
    {"CreateAmStmt", "create_access_method", why::server},
    {"CreateCastStmt", "create_cast", why::schema},
    {"CreateConversionStmt", "create_conversion", why::schema},
    {"CreateDomainStmt", "create_domain", why::schema},
    {"CreateEnumStmt", "create_type", why::schema},
    {"CreateEventTrigStmt", "create_event_trigger", why::server},
    {"CreateExtensionStmt", "create_extension", why::server},
    {"CreateFdwStmt", "create_foreign_data_wrapper", why::server},
    {"CreateForeignServerStmt", "create_server", why::server},
    {"CreateForeignTableStmt", "create_foreign_table", why::schema},
    {"CreateFunctionStmt", "create_function", why::schema},
    {"CreateOpClassStmt", "create_operator_class", why::schema},
    {"CreateOpFamilyStmt", "create_operator_family", why::schema},
    {"CreatePLangStmt", "create_language", why::server},
    {"CreatePolicyStmt", "create_policy", why::rights},
    {"CreatePublicationStmt", "create_publication", why::server},
    {"CreateRangeStmt", "create_type", why::schema},
    {"CreateRoleStmt", "create_role", why::rights},
    {"CreateSchemaStmt", "create_schema", why::schema},
    {"CreateSeqStmt", "create_sequence", why::schema},
    {"CreateStatsStmt", "create_statistics", why::schema},
    {"CreateStmt", "create_table", why::schema},
    {"CreateSubscriptionStmt", "create_subscription", why::server},
    {"CreateTableSpaceStmt", "create_tablespace", why::server},
    {"CreateTransformStmt", "create_transform", why::schema},
    {"CreateTrigStmt", "create_trigger", why::schema},
    {"CreateUserMappingStmt", "create_user_mapping", why::server},
    {"CreatedbStmt", "create_database", why::server},
    {"DefineStmt", "define", why::schema},
    {"DropOwnedStmt", "drop_owned", why::rights},
    {"DropRoleStmt", "drop_role", why::rights},
    {"DropSubscriptionStmt", "drop_subscription", why::server},
    {"DropTableSpaceStmt", "drop_tablespace", why::server},
    {"DropUserMappingStmt", "drop_user_mapping", why::server},
    {"DropdbStmt", "drop_database", why::server},
    {"ImportForeignSchemaStmt", "import_foreign_schema", why::server},
    {"IndexStmt", "create_index", why::schema},
    {"ReassignOwnedStmt", "reassign_owned", why::rights},
    {"RefreshMatViewStmt", "refresh_materialized_view", why::maintenance},
    {"ReindexStmt", "reindex", why::maintenance},
    {"ReplicaIdentityStmt", "replica_identity", why::schema},
    {"RuleStmt", "create_rule", why::schema},
    {"SecLabelStmt", "security_label", why::rights},
    {"ViewStmt", "create_view", why::schema},
};
static_assert(std::is_sorted(std::begin(utilities), std::end(utilities),
                             [](const utility& a, const utility& b) { return a.type < b.type; }));

statement_rule rule_of(why w, std::string_view kind_view) {
  std::string kind(kind_view);
  switch (w) {
    case why::schema:
      return make_rule(statement_class::ddl, kind, kind + " changes the schema");
    case why::maintenance:
      return make_rule(statement_class::ddl, kind, kind + " rewrites or locks tables: an owner's task, like DDL");
    case why::rights:
      return make_rule(statement_class::admin, kind, kind + " changes who may do what");
    case why::server:
      return make_rule(statement_class::admin, kind,
                       kind + " acts beyond the database's schema (server, roles or code)");
  }
  return make_rule(statement_class::unknown, kind, "not modelled");
}

bool relation_object(std::string_view t) {
  return t == "OBJECT_TABLE" || t == "OBJECT_VIEW" || t == "OBJECT_MATVIEW" || t == "OBJECT_INDEX" ||
         t == "OBJECT_SEQUENCE" || t == "OBJECT_FOREIGN_TABLE";
}

// Objects that are about rights or live beyond the schema.
bool admin_object(std::string_view t) {
  return t == "OBJECT_EXTENSION" || t == "OBJECT_POLICY" || t == "OBJECT_FOREIGN_SERVER" ||
         t == "OBJECT_FDW" || t == "OBJECT_EVENT_TRIGGER" || t == "OBJECT_PUBLICATION" ||
         t == "OBJECT_SUBSCRIPTION" || t == "OBJECT_ACCESS_METHOD" || t == "OBJECT_LANGUAGE" ||
         t == "OBJECT_ROLE" || t == "OBJECT_DATABASE" || t == "OBJECT_TABLESPACE";
}

// DROP TABLE a, s.b and COMMENT ON TABLE name relations as lists of strings.
void add_relation_name(const json::value* object, statement_facts& facts) {
  const auto list = object ? as_node(*object) : std::nullopt;
  if (!list || list->type != "List") return;
  const auto parts = name_parts(array_field(*list->fields, "items"));
  if (parts.empty()) return;
  facts.add_table({parts.size() >= 2 ? std::string(parts[parts.size() - 2]) : std::string(),
                   std::string(parts.back())});
}

statement_rule drop(const json::object& d, statement_facts& facts) {
  const std::string_view type = string_field(d, "removeType");
  if (relation_object(type))
    if (const json::array* objects = array_field(d, "objects"))
      for (const auto& o : *objects) add_relation_name(&o, facts);
  return rule_of(admin_object(type) ? why::server : why::schema, "drop");
}

statement_rule alter_table(const json::object& a) {
  if (const json::array* cmds = array_field(a, "cmds")) {
    for (const auto& c : *cmds) {
      const auto cmd = as_node(c);
      if (!cmd || cmd->type != "AlterTableCmd") continue;
      const std::string_view sub = string_field(*cmd->fields, "subtype");
      if (sub == "AT_ChangeOwner" || sub == "AT_EnableRowSecurity" || sub == "AT_DisableRowSecurity" ||
          sub == "AT_ForceRowSecurity" || sub == "AT_NoForceRowSecurity")
        return rule_of(why::rights, "alter_table");  // owner or row-level security
    }
  }
  return rule_of(why::schema, "alter_table");
}

}  // namespace

statement_rule utility_rule(const node& n, statement_facts& facts) {
  const std::string_view t = n.type;
  const json::object& f = *n.fields;
  if (t == "AlterTableStmt") return alter_table(f);
  if (t == "DropStmt") return drop(f, facts);
  if (t == "RenameStmt")
    return rule_of(admin_object(string_field(f, "renameType")) ? why::server : why::schema, "rename");
  if (t == "CommentStmt") {
    if (relation_object(string_field(f, "objtype"))) add_relation_name(value_field(f, "object"), facts);
    return rule_of(why::schema, "comment");
  }
  if (t == "TruncateStmt") return make_rule(statement_class::ddl, "truncate", "TRUNCATE empties tables outright");
  if (t == "VacuumStmt") return rule_of(why::maintenance, bool_field(f, "is_vacuumcmd") ? "vacuum" : "analyze");
  if (t == "GrantStmt") return rule_of(why::rights, bool_field(f, "is_grant") ? "grant" : "revoke");
  if (t == "GrantRoleStmt") return rule_of(why::rights, bool_field(f, "is_grant") ? "grant_role" : "revoke_role");
  const auto* it = std::lower_bound(std::begin(utilities), std::end(utilities), t,
                                    [](const utility& u, std::string_view k) { return u.type < k; });
  if (it != std::end(utilities) && it->type == t) return rule_of(it->category, it->kind);
  return make_rule(statement_class::unknown, "unknown", "statement " + std::string(t) + " is not modelled");
}

}  // namespace gh::sql::pg
