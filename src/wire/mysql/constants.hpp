// Protocol constants: capability and status flags, command bytes, packet
// headers. https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html
// https://mariadb.com/kb/en/connection/#capabilities
#pragma once

#include <cstdint>

namespace gh::wire::mysql {

// Capabilities are 64 bits: MySQL's 32, and MariaDB's extended ones above
// them (sent in the handshake's reserved bytes when CLIENT_MYSQL is clear).
using capabilities = std::uint64_t;

namespace cap {
inline constexpr capabilities long_password = 1u << 0;  // MariaDB: CLIENT_MYSQL
inline constexpr capabilities found_rows = 1u << 1;
inline constexpr capabilities long_flag = 1u << 2;
inline constexpr capabilities connect_with_db = 1u << 3;
inline constexpr capabilities no_schema = 1u << 4;
inline constexpr capabilities compress = 1u << 5;
inline constexpr capabilities odbc = 1u << 6;
inline constexpr capabilities local_files = 1u << 7;
inline constexpr capabilities ignore_space = 1u << 8;
inline constexpr capabilities protocol_41 = 1u << 9;
inline constexpr capabilities interactive = 1u << 10;
inline constexpr capabilities ssl = 1u << 11;
inline constexpr capabilities ignore_sigpipe = 1u << 12;
inline constexpr capabilities transactions = 1u << 13;
inline constexpr capabilities reserved = 1u << 14;
inline constexpr capabilities secure_connection = 1u << 15;
inline constexpr capabilities multi_statements = 1u << 16;
inline constexpr capabilities multi_results = 1u << 17;
inline constexpr capabilities ps_multi_results = 1u << 18;
inline constexpr capabilities plugin_auth = 1u << 19;
inline constexpr capabilities connect_attrs = 1u << 20;
inline constexpr capabilities plugin_auth_lenenc_client_data = 1u << 21;
inline constexpr capabilities can_handle_expired_passwords = 1u << 22;
inline constexpr capabilities session_track = 1u << 23;
inline constexpr capabilities deprecate_eof = 1u << 24;
inline constexpr capabilities optional_resultset_metadata = 1u << 25;
inline constexpr capabilities zstd_compression = 1u << 26;
inline constexpr capabilities query_attributes = 1u << 27;
inline constexpr capabilities multi_factor_authentication = 1u << 28;
inline constexpr capabilities ssl_verify_server_cert = 1u << 30;
inline constexpr capabilities remember_options = 1u << 31;
// MariaDB extended capabilities.
inline constexpr capabilities mariadb_progress = capabilities{1} << 32;
inline constexpr capabilities mariadb_com_multi = capabilities{1} << 33;
inline constexpr capabilities mariadb_stmt_bulk_operations = capabilities{1} << 34;
inline constexpr capabilities mariadb_extended_type_info = capabilities{1} << 35;
inline constexpr capabilities mariadb_cache_metadata = capabilities{1} << 36;
}  // namespace cap

// What response_tracker (result.hpp) can follow: a session offers and
// accepts no capability outside this mask. Compression, query attributes,
// optional metadata and MariaDB's metadata cache, bulk and COM_MULTI change
// the framing or the responses (the tracker reads MariaDB's metadata-follows
// byte but refuses skipped metadata); LOCAL INFILE is never granted.
inline constexpr capabilities trackable_capabilities =
    cap::long_password | cap::found_rows | cap::long_flag | cap::connect_with_db |
    cap::no_schema | cap::odbc | cap::ignore_space | cap::protocol_41 | cap::interactive |
    cap::ssl | cap::ignore_sigpipe | cap::transactions | cap::reserved | cap::secure_connection |
    cap::multi_statements | cap::multi_results | cap::ps_multi_results | cap::plugin_auth |
    cap::connect_attrs | cap::plugin_auth_lenenc_client_data |
    cap::can_handle_expired_passwords | cap::session_track | cap::deprecate_eof |
    cap::ssl_verify_server_cert | cap::remember_options | cap::mariadb_progress |
    cap::mariadb_extended_type_info;

namespace status {
inline constexpr std::uint16_t in_trans = 0x0001;
inline constexpr std::uint16_t autocommit = 0x0002;
inline constexpr std::uint16_t more_results_exists = 0x0008;
inline constexpr std::uint16_t no_good_index_used = 0x0010;
inline constexpr std::uint16_t no_index_used = 0x0020;
inline constexpr std::uint16_t cursor_exists = 0x0040;
inline constexpr std::uint16_t last_row_sent = 0x0080;
inline constexpr std::uint16_t db_dropped = 0x0100;
inline constexpr std::uint16_t no_backslash_escapes = 0x0200;
inline constexpr std::uint16_t metadata_changed = 0x0400;
inline constexpr std::uint16_t query_was_slow = 0x0800;
inline constexpr std::uint16_t ps_out_params = 0x1000;
inline constexpr std::uint16_t in_trans_readonly = 0x2000;
inline constexpr std::uint16_t session_state_changed = 0x4000;
}  // namespace status

// First byte of a server message.
namespace header {
inline constexpr std::uint8_t ok = 0x00;
inline constexpr std::uint8_t auth_more_data = 0x01;
inline constexpr std::uint8_t local_infile = 0xfb;
inline constexpr std::uint8_t eof = 0xfe;  // also AuthSwitchRequest, and OK with CLIENT_DEPRECATE_EOF
inline constexpr std::uint8_t err = 0xff;
}  // namespace header

// Client commands (the first byte of a command payload).
enum class command : std::uint8_t {
  sleep = 0x00, quit = 0x01, init_db = 0x02, query = 0x03, field_list = 0x04, create_db = 0x05,
  drop_db = 0x06, refresh = 0x07, shutdown = 0x08, statistics = 0x09, process_info = 0x0a,
  connect = 0x0b, process_kill = 0x0c, debug = 0x0d, ping = 0x0e, time = 0x0f,
  delayed_insert = 0x10, change_user = 0x11, binlog_dump = 0x12, table_dump = 0x13,
  connect_out = 0x14, register_slave = 0x15, stmt_prepare = 0x16, stmt_execute = 0x17,
  stmt_send_long_data = 0x18, stmt_close = 0x19, stmt_reset = 0x1a, set_option = 0x1b,
  stmt_fetch = 0x1c, daemon = 0x1d, binlog_dump_gtid = 0x1e, reset_connection = 0x1f,
  clone = 0x20, subscribe_group_replication_stream = 0x21,
  stmt_bulk_execute = 0xfa,  // MariaDB
  multi = 0xfe,              // MariaDB COM_MULTI
};

// COM_SET_OPTION values.
inline constexpr std::uint16_t option_multi_statements_on = 0;
inline constexpr std::uint16_t option_multi_statements_off = 1;

// Collations the gateway speaks: utf8mb4 (the classifier lexes utf8mb4).
inline constexpr std::uint8_t collation_utf8mb4_general_ci = 45;
inline constexpr std::uint8_t collation_utf8mb4_bin = 46;

// The largest payload of one packet; a payload of exactly this length is
// continued by the next packet.
inline constexpr std::uint32_t max_packet_payload = 0xffffff;

}  // namespace gh::wire::mysql
