// The gateway's own queries on an upstream session (mysql_upstream.hpp).
#include <boost/asio/write.hpp>

#include "gateway/mysql_io.hpp"
#include "gateway/mysql_upstream.hpp"
#include "wire/mysql/command.hpp"
#include "wire/mysql/generic.hpp"
#include "wire/mysql/payload.hpp"
#include "wire/mysql/result.hpp"

namespace gh::gateway {
namespace {

namespace mysql = wire::mysql;

// The gateway's own answers are small: a few rows of a few columns.
constexpr std::size_t internal_reply_max = 1 << 20;

// A text protocol row: a lenenc string or 0xFB (NULL) per column.
bool read_text_row(bytes_view payload, std::size_t columns, std::vector<std::optional<std::string>>& row) {
  mysql::payload_reader r(payload);
  for (std::size_t i = 0; i < columns; ++i) {
    if (r.peek() == 0xfb) {
      r.skip(1);
      row.emplace_back(std::nullopt);
      continue;
    }
    std::string_view v;
    if (!r.lenenc_string(v)) return false;
    row.emplace_back(std::string(v));
  }
  return r.done();
}

}  // namespace

net::awaitable<expected<mysql_query_result, std::string>> run_mysql_query(mysql_stream& s, io_buffer& buf,
                                                                         mysql::capabilities caps,
                                                                         std::string_view sql) {
  std::string payload;
  mysql::encode_query_payload(payload, sql);
  if (auto ec = co_await write_mysql_message(s, 0, payload))
    co_return unexpected("the connection to the server was lost: " + ec.message());

  mysql_query_result out;
  mysql::response_tracker tracker(mysql::command::query, caps);
  std::size_t index = 0;         // of the message within the current result
  std::size_t columns = 0;
  std::size_t first_row = 0;     // index of the first row message, 0: no result set
  std::string scratch;
  for (;;) {
    auto f = co_await read_mysql_message(s, buf, internal_reply_max);
    if (!f) co_return unexpected(std::string(f.error() == mysql_read_error::closed
                                                 ? "the connection to the server was lost"
                                                 : "the server sent a malformed packet"));
    const bytes_view p = mysql_payload(buf, *f, scratch);
    const std::uint32_t results_before = tracker.results();
    const mysql::response_step step = tracker.on_message(p, false);
    if (step == mysql::response_step::malformed || step == mysql::response_step::local_infile) {
      buf.consume(f->size);
      co_return unexpected(std::string("the server's answer to the gateway's query is not one it can follow"));
    }
    const bool ended_result = tracker.results() != results_before;
    if (!p.empty() && p[0] == mysql::header::err && step == mysql::response_step::complete) {
      auto e = mysql::decode_err(p);
      out.error_code = e ? e->code : 0;
      out.error = e ? std::string(e->message) : std::string("unreadable error");
    } else if (ended_result || (step == mysql::response_step::complete && index == 0)) {
      // An OK (or the EOF / OK that ends a result set).
      if (p[0] == mysql::header::ok || (p[0] == mysql::header::eof && (caps & mysql::cap::deprecate_eof))) {
        auto ok = mysql::decode_ok(p, caps);
        if (!ok) co_return unexpected(std::string("the server sent a malformed OK packet"));
        out.status = ok->status;
        out.session_states.emplace_back(ok->session_state);
      } else if (auto eof = mysql::decode_eof(p)) {
        out.status = eof->status;
      }
    } else if (index == 0) {
      auto n = mysql::decode_column_count(p, caps);
      columns = n ? static_cast<std::size_t>(*n) : 0;
      first_row = 1 + columns + ((caps & mysql::cap::deprecate_eof) ? 0 : 1);
    } else if (first_row != 0 && index >= first_row) {
      auto& row = out.rows.emplace_back();
      if (!read_text_row(p, columns, row))
        co_return unexpected(std::string("the server sent a row the gateway cannot read"));
    }
    buf.consume(f->size);
    ++index;
    if (ended_result) {
      index = 0;
      first_row = 0;
    }
    if (step == mysql::response_step::complete) break;
  }
  out.ok = out.error.empty() && out.error_code == 0;
  co_return out;
}

}  // namespace gh::gateway
