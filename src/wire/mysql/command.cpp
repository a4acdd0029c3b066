#include "wire/mysql/command.hpp"

#include "wire/mysql/payload.hpp"

namespace gh::wire::mysql {
namespace {

unexpected<codec_error> fail(codec_error e) { return unexpected<codec_error>(e); }

struct command_info {
  command c;
  std::string_view name;
  command_handling handling;
  bool responds;
};

constexpr command_info commands[] = {
    {command::sleep, "COM_SLEEP", command_handling::refuse, true},
    {command::quit, "COM_QUIT", command_handling::relay, false},
    {command::init_db, "COM_INIT_DB", command_handling::relay, true},
    {command::query, "COM_QUERY", command_handling::classify, true},
    {command::field_list, "COM_FIELD_LIST", command_handling::relay, true},
    {command::create_db, "COM_CREATE_DB", command_handling::refuse, true},
    {command::drop_db, "COM_DROP_DB", command_handling::refuse, true},
    {command::refresh, "COM_REFRESH", command_handling::refuse, true},
    {command::shutdown, "COM_SHUTDOWN", command_handling::refuse, true},
    {command::statistics, "COM_STATISTICS", command_handling::relay, true},
    {command::process_info, "COM_PROCESS_INFO", command_handling::refuse, true},
    {command::connect, "COM_CONNECT", command_handling::refuse, true},
    {command::process_kill, "COM_PROCESS_KILL", command_handling::refuse, true},
    {command::debug, "COM_DEBUG", command_handling::refuse, true},
    {command::ping, "COM_PING", command_handling::relay, true},
    {command::time, "COM_TIME", command_handling::refuse, true},
    {command::delayed_insert, "COM_DELAYED_INSERT", command_handling::refuse, true},
    {command::change_user, "COM_CHANGE_USER", command_handling::refuse, true},
    {command::binlog_dump, "COM_BINLOG_DUMP", command_handling::refuse, true},
    {command::table_dump, "COM_TABLE_DUMP", command_handling::refuse, true},
    {command::connect_out, "COM_CONNECT_OUT", command_handling::refuse, true},
    {command::register_slave, "COM_REGISTER_SLAVE", command_handling::refuse, true},
    {command::stmt_prepare, "COM_STMT_PREPARE", command_handling::classify, true},
    {command::stmt_execute, "COM_STMT_EXECUTE", command_handling::relay, true},
    {command::stmt_send_long_data, "COM_STMT_SEND_LONG_DATA", command_handling::relay, false},
    {command::stmt_close, "COM_STMT_CLOSE", command_handling::relay, false},
    {command::stmt_reset, "COM_STMT_RESET", command_handling::relay, true},
    {command::set_option, "COM_SET_OPTION", command_handling::relay, true},
    {command::stmt_fetch, "COM_STMT_FETCH", command_handling::relay, true},
    {command::daemon, "COM_DAEMON", command_handling::refuse, true},
    {command::binlog_dump_gtid, "COM_BINLOG_DUMP_GTID", command_handling::refuse, true},
    // Resets session variables, the read-only wall among them.
    {command::reset_connection, "COM_RESET_CONNECTION", command_handling::refuse, true},
    {command::clone, "COM_CLONE", command_handling::refuse, true},
    {command::subscribe_group_replication_stream, "COM_SUBSCRIBE_GROUP_REPLICATION_STREAM",
     command_handling::refuse, true},
    {command::stmt_bulk_execute, "COM_STMT_BULK_EXECUTE", command_handling::refuse, true},
    {command::multi, "COM_MULTI", command_handling::refuse, true},
};

const command_info* info_of(std::uint8_t byte) noexcept {
  for (const auto& i : commands)
    if (static_cast<std::uint8_t>(i.c) == byte) return &i;
  return nullptr;
}

// Reads the command byte and checks it.
bool expect_command(payload_reader& r, command c) {
  std::uint8_t b = 0;
  return r.u8(b) && b == static_cast<std::uint8_t>(c);
}

expected<std::string_view, codec_error> text_command(bytes_view payload, command c) {
  payload_reader r(payload);
  if (!expect_command(r, c)) return fail(codec_error::bad_value);
  return r.rest();
}

}  // namespace

std::optional<command> command_of(bytes_view payload) noexcept {
  if (payload.empty()) return std::nullopt;
  const command_info* i = info_of(payload[0]);
  if (!i) return std::nullopt;
  return i->c;
}

std::string_view command_name(command c) noexcept {
  const command_info* i = info_of(static_cast<std::uint8_t>(c));
  return i ? i->name : "COM_UNKNOWN";
}

command_handling handling_of(command c) noexcept {
  const command_info* i = info_of(static_cast<std::uint8_t>(c));
  return i ? i->handling : command_handling::refuse;
}

bool expects_response(command c) noexcept {
  const command_info* i = info_of(static_cast<std::uint8_t>(c));
  return !i || i->responds;
}

expected<std::string_view, codec_error> decode_query(bytes_view payload) {
  return text_command(payload, command::query);
}
expected<std::string_view, codec_error> decode_stmt_prepare(bytes_view payload) {
  return text_command(payload, command::stmt_prepare);
}
expected<std::string_view, codec_error> decode_init_db(bytes_view payload) {
  return text_command(payload, command::init_db);
}

expected<field_list, codec_error> decode_field_list(bytes_view payload) {
  payload_reader r(payload);
  field_list out;
  if (!expect_command(r, command::field_list)) return fail(codec_error::bad_value);
  if (!r.nul_string(out.table)) return fail(codec_error::missing_terminator);
  out.wildcard = r.rest();
  return out;
}

expected<stmt_execute, codec_error> decode_stmt_execute(bytes_view payload) {
  payload_reader r(payload);
  stmt_execute out;
  if (!expect_command(r, command::stmt_execute)) return fail(codec_error::bad_value);
  if (!r.u32(out.statement_id) || !r.u8(out.flags) || !r.u32(out.iterations))
    return fail(codec_error::truncated);
  out.parameters = r.rest();
  return out;
}

expected<std::uint32_t, codec_error> decode_stmt_id(bytes_view payload, command c) {
  payload_reader r(payload);
  std::uint32_t id = 0;
  if (!expect_command(r, c)) return fail(codec_error::bad_value);
  if (!r.u32(id)) return fail(codec_error::truncated);
  if (!r.done()) return fail(codec_error::trailing_bytes);
  return id;
}

expected<stmt_send_long_data, codec_error> decode_stmt_send_long_data(bytes_view payload) {
  payload_reader r(payload);
  stmt_send_long_data out;
  if (!expect_command(r, command::stmt_send_long_data)) return fail(codec_error::bad_value);
  if (!r.u32(out.statement_id) || !r.u16(out.parameter)) return fail(codec_error::truncated);
  out.data = r.rest();
  return out;
}

expected<stmt_fetch, codec_error> decode_stmt_fetch(bytes_view payload) {
  payload_reader r(payload);
  stmt_fetch out;
  if (!expect_command(r, command::stmt_fetch)) return fail(codec_error::bad_value);
  if (!r.u32(out.statement_id) || !r.u32(out.rows)) return fail(codec_error::truncated);
  if (!r.done()) return fail(codec_error::trailing_bytes);
  return out;
}

expected<std::uint16_t, codec_error> decode_set_option(bytes_view payload) {
  payload_reader r(payload);
  std::uint16_t option = 0;
  if (!expect_command(r, command::set_option)) return fail(codec_error::bad_value);
  if (!r.u16(option)) return fail(codec_error::truncated);
  if (!r.done()) return fail(codec_error::trailing_bytes);
  if (option > option_multi_statements_off) return fail(codec_error::bad_value);
  return option;
}

expected<change_user, codec_error> decode_change_user(bytes_view payload, capabilities caps) {
  payload_reader r(payload);
  change_user out;
  if (!expect_command(r, command::change_user)) return fail(codec_error::bad_value);
  if (!r.nul_string(out.user)) return fail(codec_error::missing_terminator);
  if (caps & cap::secure_connection) {
    std::uint8_t n = 0;
    if (!r.u8(n) || !r.bytes(n, out.auth_response)) return fail(codec_error::truncated);
  } else if (!r.nul_string(out.auth_response)) {
    return fail(codec_error::missing_terminator);
  }
  if (!r.nul_string(out.database)) return fail(codec_error::missing_terminator);
  if (r.done()) return out;
  if (!r.u16(out.collation)) return fail(codec_error::truncated);
  if ((caps & cap::plugin_auth) && !r.done() && !r.nul_string(out.auth_plugin))
    return fail(codec_error::missing_terminator);
  if ((caps & cap::connect_attrs) && !r.done()) {
    std::string_view block;
    if (!r.lenenc_string(block)) return fail(codec_error::truncated);
    payload_reader a(block);
    while (!a.done()) {
      std::string_view k, v;
      if (!a.lenenc_string(k) || !a.lenenc_string(v)) return fail(codec_error::truncated);
      out.attributes.emplace_back(k, v);
    }
  }
  if (!r.done()) return fail(codec_error::trailing_bytes);
  return out;
}

void encode_query_payload(std::string& out, std::string_view sql) {
  payload_builder(out).u8(static_cast<std::uint8_t>(command::query)).raw(sql);
}
void encode_command_payload(std::string& out, command c) {
  payload_builder(out).u8(static_cast<std::uint8_t>(c));
}
void encode_init_db_payload(std::string& out, std::string_view schema) {
  payload_builder(out).u8(static_cast<std::uint8_t>(command::init_db)).raw(schema);
}
void encode_stmt_prepare_payload(std::string& out, std::string_view sql) {
  payload_builder(out).u8(static_cast<std::uint8_t>(command::stmt_prepare)).raw(sql);
}
void encode_stmt_id_payload(std::string& out, command c, std::uint32_t statement_id) {
  payload_builder(out).u8(static_cast<std::uint8_t>(c)).u32(statement_id);
}
void encode_stmt_execute_payload(std::string& out, const stmt_execute& e) {
  payload_builder(out)
      .u8(static_cast<std::uint8_t>(command::stmt_execute))
      .u32(e.statement_id)
      .u8(e.flags)
      .u32(e.iterations)
      .raw(e.parameters);
}
void encode_set_option_payload(std::string& out, std::uint16_t option) {
  payload_builder(out).u8(static_cast<std::uint8_t>(command::set_option)).u16(option);
}

}  // namespace gh::wire::mysql
