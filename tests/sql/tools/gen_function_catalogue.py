#!/usr/bin/python3
"""Generates src/sql/pg/function_catalogue_table.inc from a live PostgreSQL 15.

Usage: /usr/bin/python3 tests/sql/tools/gen_function_catalogue.py > src/sql/pg/function_catalogue_table.inc

Policy (docs/classification.md, "Function catalogue"):
  * every function of pg_catalog and information_schema is in the table;
  * immutable and stable functions are reads, except the OVERRIDES below;
  * every volatile function is classified by hand in VOLATILE below: the script
    refuses to run when the server has a volatile function this file does not
    classify, so a new PostgreSQL version cannot slip one in as a read;
  * CONTRIB names functions of common extensions that are not reads, matched
    in any schema (extensions install wherever they are told).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "integration"))
from pgserver import pg_server  # noqa: E402

R, W, A = "read", "write", "admin"

# Volatile built-ins, by effect. Reads here are volatile only because their
# value changes (clocks, random, sizes, statistics), not because they act.
VOLATILE = [
    # clocks, randomness, sleeping, session-local values
    (R, """clock_timestamp timeofday random setseed gen_random_uuid pg_sleep pg_sleep_for
        pg_sleep_until current_query currval lastval pg_sequence_last_value"""),
    # introspection of sizes, locks, statistics, WAL positions, server state
    (R, """pg_blocking_pids pg_safe_snapshot_blocking_pids pg_isolation_test_session_is_blocked
        pg_collation_actual_version pg_database_collation_actual_version pg_control_checkpoint
        pg_control_init pg_control_recovery pg_control_system pg_current_logfile
        pg_current_wal_flush_lsn pg_current_wal_insert_lsn pg_current_wal_lsn pg_database_size
        pg_indexes_size pg_relation_size pg_table_size pg_tablespace_size pg_total_relation_size
        pg_get_backend_memory_contexts pg_get_multixact_members pg_get_shmem_allocations
        pg_get_wal_replay_pause_state pg_get_wal_resource_managers pg_is_in_recovery
        pg_is_wal_replay_paused pg_jit_available pg_last_committed_xact pg_last_wal_receive_lsn
        pg_last_wal_replay_lsn pg_last_xact_replay_timestamp pg_lock_status
        pg_notification_queue_usage pg_partition_ancestors pg_partition_tree pg_prepared_xact
        pg_export_snapshot pg_stat_clear_snapshot pg_stat_force_next_flush pg_stat_have_stats
        pg_stat_get_recovery_prefetch pg_stat_get_xact_blocks_fetched pg_stat_get_xact_blocks_hit
        pg_stat_get_xact_function_calls pg_stat_get_xact_function_self_time
        pg_stat_get_xact_function_total_time pg_stat_get_xact_numscans
        pg_stat_get_xact_tuples_deleted pg_stat_get_xact_tuples_fetched
        pg_stat_get_xact_tuples_hot_updated pg_stat_get_xact_tuples_inserted
        pg_stat_get_xact_tuples_returned pg_stat_get_xact_tuples_updated
        pg_show_replication_origin_status pg_replication_origin_session_is_setup
        pg_replication_origin_session_progress pg_replication_origin_progress
        pg_xact_commit_timestamp pg_xact_commit_timestamp_origin pg_xact_status txid_status
        amvalidate bernoulli system dsnowball_init dsnowball_lexize"""),
    # sequences, large objects, advisory locks, notifications, index upkeep
    (W, """nextval setval lo_close lo_creat lo_create lo_from_bytea lo_get lo_lseek lo_lseek64
        lo_open lo_put lo_tell lo_tell64 lo_truncate lo_truncate64 lo_unlink loread lowrite
        pg_advisory_lock pg_advisory_lock_shared pg_advisory_unlock pg_advisory_unlock_all
        pg_advisory_unlock_shared pg_advisory_xact_lock pg_advisory_xact_lock_shared
        pg_try_advisory_lock pg_try_advisory_lock_shared pg_try_advisory_xact_lock
        pg_try_advisory_xact_lock_shared pg_notify brin_desummarize_range
        brin_summarize_new_values brin_summarize_range gin_clean_pending_list"""),
    # called by the server only (triggers, handlers): never a read of their own
    (W, """RI_FKey_cascade_del RI_FKey_cascade_upd RI_FKey_check_ins RI_FKey_check_upd
        RI_FKey_noaction_del RI_FKey_noaction_upd RI_FKey_restrict_del RI_FKey_restrict_upd
        RI_FKey_setdefault_del RI_FKey_setdefault_upd RI_FKey_setnull_del RI_FKey_setnull_upd
        brinhandler bthandler ginhandler gisthandler hashhandler heap_tableam_handler spghandler
        plpgsql_call_handler plpgsql_inline_handler plpgsql_validator
        suppress_redundant_updates_trigger tsvector_update_trigger
        tsvector_update_trigger_column unique_key_recheck currtid2"""),
    # server files, other backends, configuration, replication, WAL, stats resets,
    # and functions that run SQL given as a string
    (A, """pg_read_file pg_read_file_old pg_read_binary_file pg_ls_dir pg_ls_archive_statusdir
        pg_ls_logdir pg_ls_logicalmapdir pg_ls_logicalsnapdir pg_ls_replslotdir pg_ls_tmpdir
        pg_ls_waldir pg_stat_file lo_import lo_export pg_terminate_backend pg_cancel_backend
        pg_reload_conf pg_rotate_logfile pg_rotate_logfile_old set_config
        pg_logical_emit_message pg_create_logical_replication_slot
        pg_create_physical_replication_slot pg_copy_logical_replication_slot
        pg_copy_physical_replication_slot pg_drop_replication_slot pg_replication_slot_advance
        pg_logical_slot_get_binary_changes pg_logical_slot_get_changes
        pg_logical_slot_peek_binary_changes pg_logical_slot_peek_changes pg_switch_wal pg_promote
        pg_wal_replay_pause pg_wal_replay_resume pg_create_restore_point pg_backup_start
        pg_backup_stop pg_stat_reset pg_stat_reset_replication_slot pg_stat_reset_shared
        pg_stat_reset_single_function_counters pg_stat_reset_single_table_counters
        pg_stat_reset_slru pg_stat_reset_subscription_stats pg_replication_origin_advance
        pg_replication_origin_create pg_replication_origin_drop pg_replication_origin_session_reset
        pg_replication_origin_session_setup pg_replication_origin_xact_reset
        pg_replication_origin_xact_setup pg_hba_file_rules pg_ident_file_mappings
        pg_show_all_file_settings pg_log_backend_memory_contexts pg_nextoid
        pg_import_system_collations pg_stop_making_pinned_objects pg_extension_config_dump
        binary_upgrade_create_empty_extension binary_upgrade_set_missing_value
        binary_upgrade_set_next_array_pg_type_oid binary_upgrade_set_next_attribute_versions
        binary_upgrade_set_next_heap_pg_class_oid binary_upgrade_set_next_heap_relfilenode
        binary_upgrade_set_next_index_pg_class_oid binary_upgrade_set_next_index_relfilenode
        binary_upgrade_set_next_multirange_array_pg_type_oid
        binary_upgrade_set_next_multirange_pg_type_oid binary_upgrade_set_next_pg_authid_oid
        binary_upgrade_set_next_pg_enum_oid binary_upgrade_set_next_pg_tablespace_oid
        binary_upgrade_set_next_pg_type_oid binary_upgrade_set_next_toast_pg_class_oid
        binary_upgrade_set_next_toast_relfilenode binary_upgrade_set_record_init_privs
        query_to_xml query_to_xml_and_xmlschema query_to_xmlschema cursor_to_xml
        cursor_to_xmlschema ts_rewrite ts_stat"""),
]

# Immutable or stable, yet not reads.
OVERRIDES = {
    # read whole tables or schemas by name, around table-level rules
    "table_to_xml": A, "table_to_xml_and_xmlschema": A, "table_to_xmlschema": A,
    "schema_to_xml": A, "schema_to_xml_and_xmlschema": A, "schema_to_xmlschema": A,
    "database_to_xml": A, "database_to_xml_and_xmlschema": A, "database_to_xmlschema": A,
    # assign a transaction id: the transaction becomes a writing one
    "txid_current": W, "pg_current_xact_id": W,
}

# Functions of contrib extensions that are not reads, matched in any schema.
CONTRIB = {
    A: """dblink dblink_exec dblink_connect dblink_connect_u dblink_disconnect dblink_open
        dblink_fetch dblink_close dblink_send_query dblink_get_result dblink_get_connections
        dblink_is_busy dblink_cancel_query dblink_error_message dblink_get_notify
        dblink_get_pkey dblink_build_sql_insert dblink_build_sql_delete dblink_build_sql_update
        pg_file_write pg_file_sync pg_file_rename pg_file_unlink pg_logdir_ls pg_file_read
        pg_file_length pg_stat_statements_reset postgres_fdw_disconnect
        postgres_fdw_disconnect_all pg_prewarm autoprewarm_start_worker autoprewarm_dump_now
        pg_wait_sampling_reset_profile pg_cron_schedule cron_schedule cron_unschedule
        cron_schedule_in_database cron_alter_job""",
    W: """lo_manage""",
}


def split(text):
    return text.split()


def main():
    with pg_server() as pg:
        rows = pg.psql(
            "SELECT n.nspname, p.proname, max(p.provolatile::text) FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname IN ('pg_catalog', 'information_schema') "
            "GROUP BY 1, 2 ORDER BY 1, 2")
    volatile = {}
    for cls, names in VOLATILE:
        for n in split(names):
            volatile[n] = cls
    table = {}
    unclassified = []
    for line in rows.splitlines():
        nsp, name, vol = line.split("|")
        key = name if nsp == "pg_catalog" else f"{nsp}.{name}"
        if name in OVERRIDES:
            cls = OVERRIDES[name]
        elif vol == "v":  # 'v' sorts last: any volatile overload makes it volatile
            if name not in volatile:
                unclassified.append(name)
                continue
            cls = volatile[name]
        else:
            cls = R
        table[key] = (cls, False)
    if unclassified:
        sys.exit("unclassified volatile functions: " + " ".join(unclassified))
    for cls, names in CONTRIB.items():
        for n in split(names):
            if n in table and table[n][0] != cls:
                sys.exit(f"contrib name {n} clashes with a built-in")
            table[n] = (cls, True)
    emit(table)


def emit(table):
    print("// Generated by tests/sql/tools/gen_function_catalogue.py from PostgreSQL 15;")
    print("// edit the script's lists, not this file. Sorted by name (bytewise).")
    line = []
    for key in sorted(table, key=lambda k: k.encode()):
        cls, any_schema = table[key]
        entry = f'{{"{key}", {cls[0].upper()}{"x" if any_schema else ""}}},'
        if cls == R:
            if sum(len(e) + 1 for e in line) + len(entry) > 96:
                print(" ".join(line))
                line = []
            line.append(entry)
        else:
            if line:
                print(" ".join(line))
                line = []
            print(entry)
    if line:
        print(" ".join(line))


if __name__ == "__main__":
    main()
