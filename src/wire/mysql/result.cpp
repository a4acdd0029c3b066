#include "wire/mysql/result.hpp"

#include "wire/mysql/generic.hpp"
#include "wire/mysql/payload.hpp"

namespace gh::wire::mysql {
namespace {

unexpected<codec_error> fail_with(codec_error e) { return unexpected<codec_error>(e); }

}  // namespace

expected<stmt_prepare_ok, codec_error> decode_stmt_prepare_ok(bytes_view payload) {
  payload_reader r(payload);
  stmt_prepare_ok ok;
  std::uint8_t h = 0, filler = 0;
  if (!r.u8(h) || !r.u32(ok.statement_id) || !r.u16(ok.columns) || !r.u16(ok.params))
    return fail_with(codec_error::truncated);
  if (h != header::ok) return fail_with(codec_error::bad_value);
  if (r.done()) return ok;  // servers before 4.1.? end here
  if (!r.u8(filler) || !r.u16(ok.warnings)) return fail_with(codec_error::truncated);
  // MySQL 8 adds a metadata_follows byte with OPTIONAL_RESULTSET_METADATA,
  // which a session never grants.
  if (!r.done()) return fail_with(codec_error::trailing_bytes);
  return ok;
}

void encode_stmt_prepare_ok_payload(std::string& out, const stmt_prepare_ok& ok) {
  payload_builder(out).u8(header::ok).u32(ok.statement_id).u16(ok.columns).u16(ok.params).u8(0).u16(
      ok.warnings);
}

expected<column_definition, codec_error> decode_column_definition(bytes_view payload,
                                                                  capabilities caps) {
  payload_reader r(payload);
  column_definition c;
  std::string_view catalog;
  std::uint64_t fixed = 0;
  if (!r.lenenc_string(catalog) || !r.lenenc_string(c.schema) || !r.lenenc_string(c.table) ||
      !r.lenenc_string(c.org_table) || !r.lenenc_string(c.name) || !r.lenenc_string(c.org_name))
    return fail_with(codec_error::truncated);
  if ((caps & cap::mariadb_extended_type_info) && !r.lenenc_string(c.extended_type_info))
    return fail_with(codec_error::truncated);
  if (!r.lenenc(fixed)) return fail_with(codec_error::truncated);
  if (catalog != "def" || fixed < 0x0c) return fail_with(codec_error::bad_value);
  if (!r.u16(c.charset) || !r.u32(c.length) || !r.u8(c.type) || !r.u16(c.flags) || !r.u8(c.decimals))
    return fail_with(codec_error::truncated);
  // Two filler bytes, then COM_FIELD_LIST's default value: not read here.
  return c;
}

expected<std::uint64_t, codec_error> decode_column_count(bytes_view payload, capabilities caps) {
  payload_reader r(payload);
  std::uint64_t n = 0;
  if (!r.lenenc(n)) return fail_with(codec_error::bad_value);
  if (caps & cap::mariadb_cache_metadata) {
    // MariaDB's "metadata follows" byte. 0 (the client's cached metadata
    // stands in for the column definitions) is not followed here.
    std::uint8_t follows = 0;
    if (!r.u8(follows)) return fail_with(codec_error::truncated);
    if (follows != 1) return fail_with(codec_error::bad_value);
  }
  if (!r.done()) return fail_with(codec_error::trailing_bytes);
  if (n == 0) return fail_with(codec_error::bad_value);
  return n;
}

response_tracker::response_tracker(command sent, capabilities caps) noexcept
    : command_(sent), caps_(caps) {
  switch (sent) {
    case command::query:
    case command::stmt_execute: state_ = state::first; break;
    case command::stmt_fetch: state_ = state::rows; break;
    case command::stmt_prepare: state_ = state::prepare_first; break;
    case command::field_list: state_ = state::field_list; break;
    case command::statistics: state_ = state::any; break;
    case command::quit:
    case command::stmt_close:
    case command::stmt_send_long_data: state_ = state::done; break;
    default: state_ = state::single; break;
  }
}

response_step response_tracker::fail(codec_error e) noexcept {
  error_ = e;
  state_ = state::done;
  return response_step::malformed;
}

response_step response_tracker::ok_or_more(bytes_view payload) noexcept {
  const auto ok = decode_ok(payload, caps_);
  if (!ok) return fail(ok.error());
  affected_rows_ += ok->affected_rows;
  status_ = ok->status;
  ++results_;
  if (ok->status & status::more_results_exists) {
    state_ = state::first;
    return response_step::partial;
  }
  state_ = state::done;
  return response_step::complete;
}

response_step response_tracker::end_of_rows(bytes_view payload) noexcept {
  if (deprecate_eof()) return ok_or_more(payload);
  const auto eof = decode_eof(payload);
  if (!eof) return fail(eof.error());
  status_ = eof->status;
  ++results_;
  state_ = (eof->status & status::more_results_exists) ? state::first : state::done;
  return state_ == state::done ? response_step::complete : response_step::partial;
}

response_step response_tracker::first_message(bytes_view payload, bool continued) noexcept {
  const std::uint8_t h = payload[0];
  if (h == header::ok && !continued) return ok_or_more(payload);
  if (state_ == state::infile_reply) return fail(codec_error::unexpected_message);
  if (h == header::local_infile && !continued) {
    state_ = state::infile_reply;
    return response_step::local_infile;
  }
  const auto count = decode_column_count(payload, caps_);
  if (!count) return fail(codec_error::unexpected_message);
  columns_left_ = *count;
  state_ = state::columns;
  return response_step::partial;
}

response_step response_tracker::after_prepare_params() noexcept {
  if (prepared_->columns == 0) {
    state_ = state::done;
    return response_step::complete;
  }
  columns_left_ = prepared_->columns;
  state_ = state::prepare_columns;
  return response_step::partial;
}

response_step response_tracker::prepare_message(bytes_view payload) noexcept {
  switch (state_) {
    case state::prepare_first: {
      const auto ok = decode_stmt_prepare_ok(payload);
      if (!ok) return fail(ok.error());
      prepared_ = *ok;
      ++results_;
      if (ok->params == 0) return after_prepare_params();
      columns_left_ = ok->params;
      state_ = state::prepare_params;
      return response_step::partial;
    }
    case state::prepare_params:
      if (--columns_left_ > 0) return response_step::partial;
      if (!deprecate_eof()) {
        state_ = state::prepare_params_eof;
        return response_step::partial;
      }
      return after_prepare_params();
    case state::prepare_params_eof:
      if (!decode_eof(payload)) return fail(codec_error::unexpected_message);
      return after_prepare_params();
    case state::prepare_columns:
      if (--columns_left_ > 0) return response_step::partial;
      state_ = deprecate_eof() ? state::done : state::prepare_columns_eof;
      return deprecate_eof() ? response_step::complete : response_step::partial;
    default:  // prepare_columns_eof
      if (!decode_eof(payload)) return fail(codec_error::unexpected_message);
      state_ = state::done;
      return response_step::complete;
  }
}

response_step response_tracker::on_message(bytes_view payload, bool continued) noexcept {
  if (state_ == state::done) return fail(codec_error::unexpected_message);
  if (payload.empty()) return fail(codec_error::truncated);
  if (state_ == state::any) {
    state_ = state::done;
    return response_step::complete;
  }
  if (payload[0] == header::err && !continued) {
    const auto err = decode_err(payload);
    if (!err) return fail(err.error());
    // MariaDB progress reports are ERR packets with code 0xFFFF.
    if (err->code == 0xffff && (caps_ & cap::mariadb_progress)) return response_step::partial;
    error_code_ = err->code;
    state_ = state::done;
    return response_step::complete;
  }
  switch (state_) {
    case state::first:
    case state::infile_reply: return first_message(payload, continued);
    case state::columns:
      if (--columns_left_ > 0) return response_step::partial;
      state_ = deprecate_eof() ? state::rows : state::columns_eof;
      return response_step::partial;
    case state::columns_eof: {
      const auto eof = decode_eof(payload);
      if (!eof) return fail(codec_error::unexpected_message);
      status_ = eof->status;
      // A cursor: the rows come later, by COM_STMT_FETCH.
      if (command_ == command::stmt_execute && (eof->status & status::cursor_exists)) {
        ++results_;
        state_ = state::done;
        return response_step::complete;
      }
      state_ = state::rows;
      return response_step::partial;
    }
    case state::rows:
      if (!continued && is_eof_like(payload)) return end_of_rows(payload);
      ++rows_;
      return response_step::partial;
    case state::field_list:
      if (!continued && is_eof_like(payload)) return end_of_rows(payload);
      return response_step::partial;
    case state::single:
      if (payload[0] == header::ok || is_eof_like(payload)) {
        state_ = state::done;
        return response_step::complete;
      }
      return fail(codec_error::unexpected_message);
    default: return prepare_message(payload);
  }
}

}  // namespace gh::wire::mysql
