// DDL, rights and server-level objects, maintenance (docs/classification.md).
// Schema objects are ddl; what changes who may do what, or reaches beyond
// one database's schema (roles, databases, tablespaces, extensions, foreign
// servers, replication, server configuration), is admin. Anything else is
// unknown: a new statement kind is never silently allowed.
#include "sql/pg/node_text.hpp"
#include "sql/pg/statement_rules.hpp"

namespace gh::sql::pg {
namespace {

statement_rule make(statement_class c, std::string kind, std::string reason) {
  statement_rule r;
  r.cls = c;
  r.kind = std::move(kind);
  r.reason = std::move(reason);
  return r;
}

statement_rule ddl(std::string kind) {
  std::string reason = kind + " changes the schema";
  return make(statement_class::ddl, std::move(kind), std::move(reason));
}

statement_rule rights(std::string kind) {
  std::string reason = kind + " changes who may do what";
  return make(statement_class::admin, std::move(kind), std::move(reason));
}

statement_rule server(std::string kind) {
  std::string reason = kind + " acts beyond the database's schema (server, roles or code)";
  return make(statement_class::admin, std::move(kind), std::move(reason));
}

statement_rule maintenance(std::string kind) {
  std::string reason = kind + " rewrites or locks tables: an owner's task, like DDL";
  return make(statement_class::ddl, std::move(kind), std::move(reason));
}

bool relation_object(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return true;
    default:
      return false;
  }
}

// Objects that are about rights or live beyond the schema.
bool admin_object(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FDW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PUBLICATION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SUBSCRIPTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ACCESS_METHOD:
    case PG_QUERY__OBJECT_TYPE__OBJECT_LANGUAGE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLESPACE:
      return true;
    default:
      return false;
  }
}

// DROP TABLE a, s.b and COMMENT ON TABLE name relations as lists of strings.
void add_relation_name(const PgQuery__Node* object, statement_facts& facts) {
  if (object == nullptr || object->node_case != PG_QUERY__NODE__NODE_LIST || object->list == nullptr)
    return;
  const auto parts = name_parts(object->list->n_items, object->list->items);
  if (parts.empty()) return;
  facts.add_table({parts.size() >= 2 ? std::string(parts[parts.size() - 2]) : std::string(),
                   std::string(parts.back())});
}

statement_rule drop(const PgQuery__DropStmt* d, statement_facts& facts) {
  if (relation_object(d->remove_type))
    for (std::size_t i = 0; i < d->n_objects; ++i) add_relation_name(d->objects[i], facts);
  return admin_object(d->remove_type) ? server("drop") : ddl("drop");
}

statement_rule alter_table(const PgQuery__AlterTableStmt* a) {
  for (std::size_t i = 0; i < a->n_cmds; ++i) {
    const PgQuery__Node* c = a->cmds[i];
    if (c == nullptr || c->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD || !c->alter_table_cmd)
      continue;
    switch (c->alter_table_cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
        return rights("alter_table");  // owner or row-level security
      default:
        break;
    }
  }
  return ddl("alter_table");
}

}  // namespace

statement_rule utility_rule(const PgQuery__Node* n, statement_facts& facts) {
  switch (n->node_case) {
    // Schema objects.
    case PG_QUERY__NODE__NODE_CREATE_STMT: return ddl("create_table");
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT: return ddl("create_foreign_table");
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      if (n->alter_table_stmt) return alter_table(n->alter_table_stmt);
      break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
      if (n->drop_stmt) return drop(n->drop_stmt, facts);
      break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      if (n->rename_stmt)
        return admin_object(n->rename_stmt->rename_type) ? server("rename") : ddl("rename");
      break;
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
      if (n->comment_stmt && relation_object(n->comment_stmt->objtype))
        add_relation_name(n->comment_stmt->object, facts);
      return ddl("comment");
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      return make(statement_class::ddl, "truncate", "TRUNCATE empties tables outright");
    case PG_QUERY__NODE__NODE_INDEX_STMT: return ddl("create_index");
    case PG_QUERY__NODE__NODE_VIEW_STMT: return ddl("create_view");
    case PG_QUERY__NODE__NODE_RULE_STMT: return ddl("create_rule");
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: return ddl("create_trigger");
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: return ddl("create_function");
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT: return ddl("alter_function");
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT: return ddl("create_sequence");
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT: return ddl("alter_sequence");
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: return ddl("create_schema");
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: return ddl("create_domain");
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT: return ddl("alter_domain");
    case PG_QUERY__NODE__NODE_DEFINE_STMT: return ddl("define");
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT: return ddl("create_type");
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT: return ddl("create_type");
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT: return ddl("create_type");
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: return ddl("alter_type");
    case PG_QUERY__NODE__NODE_ALTER_TYPE_STMT: return ddl("alter_type");
    case PG_QUERY__NODE__NODE_CREATE_CONVERSION_STMT: return ddl("create_conversion");
    case PG_QUERY__NODE__NODE_CREATE_CAST_STMT: return ddl("create_cast");
    case PG_QUERY__NODE__NODE_CREATE_OP_CLASS_STMT: return ddl("create_operator_class");
    case PG_QUERY__NODE__NODE_CREATE_OP_FAMILY_STMT: return ddl("create_operator_family");
    case PG_QUERY__NODE__NODE_ALTER_OP_FAMILY_STMT: return ddl("alter_operator_family");
    case PG_QUERY__NODE__NODE_ALTER_OPERATOR_STMT: return ddl("alter_operator");
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_DEPENDS_STMT: return ddl("alter_depends");
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT: return ddl("alter_set_schema");
    case PG_QUERY__NODE__NODE_ALTER_TSDICTIONARY_STMT: return ddl("alter_text_search");
    case PG_QUERY__NODE__NODE_ALTER_TSCONFIGURATION_STMT: return ddl("alter_text_search");
    case PG_QUERY__NODE__NODE_REPLICA_IDENTITY_STMT: return ddl("replica_identity");
    case PG_QUERY__NODE__NODE_CREATE_TRANSFORM_STMT: return ddl("create_transform");
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT: return ddl("create_statistics");
    case PG_QUERY__NODE__NODE_ALTER_STATS_STMT: return ddl("alter_statistics");
    case PG_QUERY__NODE__NODE_ALTER_COLLATION_STMT: return ddl("alter_collation");
    // Maintenance.
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
      return maintenance(n->vacuum_stmt && !n->vacuum_stmt->is_vacuumcmd ? "analyze" : "vacuum");
    case PG_QUERY__NODE__NODE_CLUSTER_STMT: return maintenance("cluster");
    case PG_QUERY__NODE__NODE_REINDEX_STMT: return maintenance("reindex");
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT: return maintenance("refresh_materialized_view");
    // Rights.
    case PG_QUERY__NODE__NODE_GRANT_STMT:
      return rights(n->grant_stmt && !n->grant_stmt->is_grant ? "revoke" : "grant");
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
      return rights(n->grant_role_stmt && !n->grant_role_stmt->is_grant ? "revoke_role" : "grant_role");
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT: return rights("alter_default_privileges");
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT: return rights("create_policy");
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT: return rights("alter_policy");
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT: return rights("alter_owner");
    case PG_QUERY__NODE__NODE_DROP_OWNED_STMT: return rights("drop_owned");
    case PG_QUERY__NODE__NODE_REASSIGN_OWNED_STMT: return rights("reassign_owned");
    case PG_QUERY__NODE__NODE_SEC_LABEL_STMT: return rights("security_label");
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT: return rights("create_role");
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT: return rights("alter_role");
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT: return rights("drop_role");
    case PG_QUERY__NODE__NODE_ALTER_ROLE_SET_STMT: return rights("alter_role_set");
    // Beyond the schema: databases, tablespaces, server code and configuration,
    // foreign servers and credentials, replication.
    case PG_QUERY__NODE__NODE_CREATEDB_STMT: return server("create_database");
    case PG_QUERY__NODE__NODE_DROPDB_STMT: return server("drop_database");
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT: return server("alter_database");
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_SET_STMT: return server("alter_database_set");
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_REFRESH_COLL_STMT: return server("alter_database");
    case PG_QUERY__NODE__NODE_CREATE_TABLE_SPACE_STMT: return server("create_tablespace");
    case PG_QUERY__NODE__NODE_DROP_TABLE_SPACE_STMT: return server("drop_tablespace");
    case PG_QUERY__NODE__NODE_ALTER_TABLE_SPACE_OPTIONS_STMT: return server("alter_tablespace");
    case PG_QUERY__NODE__NODE_ALTER_TABLE_MOVE_ALL_STMT: return server("alter_tablespace_move");
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT: return server("alter_system");
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT: return server("create_extension");
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_STMT: return server("alter_extension");
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_CONTENTS_STMT: return server("alter_extension");
    case PG_QUERY__NODE__NODE_CREATE_PLANG_STMT: return server("create_language");
    case PG_QUERY__NODE__NODE_CREATE_AM_STMT: return server("create_access_method");
    case PG_QUERY__NODE__NODE_CREATE_EVENT_TRIG_STMT: return server("create_event_trigger");
    case PG_QUERY__NODE__NODE_ALTER_EVENT_TRIG_STMT: return server("alter_event_trigger");
    case PG_QUERY__NODE__NODE_CREATE_FDW_STMT: return server("create_foreign_data_wrapper");
    case PG_QUERY__NODE__NODE_ALTER_FDW_STMT: return server("alter_foreign_data_wrapper");
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_SERVER_STMT: return server("create_server");
    case PG_QUERY__NODE__NODE_ALTER_FOREIGN_SERVER_STMT: return server("alter_server");
    case PG_QUERY__NODE__NODE_CREATE_USER_MAPPING_STMT: return server("create_user_mapping");
    case PG_QUERY__NODE__NODE_ALTER_USER_MAPPING_STMT: return server("alter_user_mapping");
    case PG_QUERY__NODE__NODE_DROP_USER_MAPPING_STMT: return server("drop_user_mapping");
    case PG_QUERY__NODE__NODE_IMPORT_FOREIGN_SCHEMA_STMT: return server("import_foreign_schema");
    case PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT: return server("create_publication");
    case PG_QUERY__NODE__NODE_ALTER_PUBLICATION_STMT: return server("alter_publication");
    case PG_QUERY__NODE__NODE_CREATE_SUBSCRIPTION_STMT: return server("create_subscription");
    case PG_QUERY__NODE__NODE_ALTER_SUBSCRIPTION_STMT: return server("alter_subscription");
    case PG_QUERY__NODE__NODE_DROP_SUBSCRIPTION_STMT: return server("drop_subscription");
    default:
      break;
  }
  return make(statement_class::unknown, "unknown", "this kind of statement is not modelled");
}

}  // namespace gh::sql::pg
