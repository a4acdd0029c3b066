#include "store/event_rows.hpp"

#include "audit/fold.hpp"

namespace gh::store {

void bind_event_row(sqlite_stmt& s, int first, std::int64_t seq, const audit::event& ev,
                    const audit::event* outcome, std::string_view tables_text,
                    std::string_view prev_hash, std::string_view hash) noexcept {
  // A folded row's duration, rows and error are its outcome's: the
  // statement's own are unset (foldable) and come back as such.
  const audit::event& done = outcome ? *outcome : ev;
  int p = first;
  s.bind(p++, seq);
  s.bind(p++, to_unix_micros(ev.time));
  s.bind_text_static(p++, audit::to_string(ev.kind));
  s.bind_text_static(p++, ev.principal);
  s.bind_text_static(p++, ev.session);
  s.bind_text_static(p++, ev.client);
  s.bind_text_static(p++, ev.connection);
  s.bind_text_static(p++, ev.statement);
  // u64 stored as i64: lengths are bounded by record_max, far below 2^63.
  s.bind(p++, static_cast<std::int64_t>(ev.statement_length));
  s.bind_text_static(p++, ev.cls);
  s.bind_text_static(p++, tables_text);
  s.bind_text_static(p++, ev.decision);
  s.bind_text_static(p++, ev.rule);
  s.bind_text_static(p++, ev.reviewer);
  s.bind_text_static(p++, ev.ref);
  s.bind(p++, done.duration_us);
  s.bind(p++, done.rows);
  s.bind_text_static(p++, done.error);
  s.bind_text_static(p++, ev.statement_id);
  s.bind_blob_static(p++, prev_hash);
  s.bind_blob_static(p++, hash);
  if (outcome) {
    // Bound as text even when empty: NULL here means "no outcome folded".
    s.bind_text_static(p++, outcome->decision.empty() ? std::string_view("")
                                                      : std::string_view(outcome->decision));
    s.bind(p++, to_unix_micros(outcome->time));
  } else {
    s.bind_null(p++);
    s.bind_null(p++);
  }
}

namespace {

// A forged time beyond what sys_time holds reads as the earliest time
// point, which no writer produces: the row then fails its hash.
sys_time time_from(std::int64_t us) {
  return audit::representable_time_us(us) ? from_unix_micros(us) : sys_time::min();
}

}  // namespace

void read_event_row(const sqlite_stmt& s, int first, audit::stored_event& out) {
  auto text = [&](int c) { return std::string(s.column_text(first + c)); };
  audit::event& ev = out.ev;
  out.seq = s.column_int(first + 0);
  ev.time = time_from(s.column_int(first + 1));
  ev.kind = kind_from_text(s.column_text(first + 2));
  ev.principal = text(3);
  ev.session = text(4);
  ev.client = text(5);
  ev.connection = text(6);
  ev.statement = text(7);
  ev.statement_length = static_cast<std::uint64_t>(s.column_int(first + 8));
  ev.cls = text(9);
  ev.tables = decode_tables(s.column_text(first + 10));
  ev.decision = text(11);
  ev.rule = text(12);
  ev.reviewer = text(13);
  ev.ref = text(14);
  ev.duration_us = s.column_int(first + 15);
  ev.rows = s.column_int(first + 16);
  ev.error = text(17);
  ev.statement_id = text(18);
  out.prev_hash = std::string(s.column_blob(first + 19));
  out.hash = std::string(s.column_blob(first + 20));
  out.outcome.reset();
  if (s.column_is_null(first + 21)) return;
  out.outcome = audit::unfold(ev, time_from(s.column_int(first + 22)), s.column_text(first + 21),
                              ev.duration_us, ev.rows, ev.error);
  ev.duration_us = -1;
  ev.rows = -1;
  ev.error.clear();
}

void encode_tables(const std::vector<std::string>& tables, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (i) out += '\n';
    const std::string& name = tables[i];
    if (name.empty()) out += "\\e";
    // Most names need no escape: copied whole, not byte by byte.
    if (name.find('\\') == std::string::npos && name.find('\n') == std::string::npos) {
      out += name;
      continue;
    }
    for (char c : name) {
      if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
  }
}

std::vector<std::string> decode_tables(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  out.emplace_back();
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      out.emplace_back();
    } else if (c == '\\' && i + 1 < text.size()) {
      char e = text[++i];
      // "\e" stands for the empty name; anything else escaped stands for itself.
      if (e == 'n') out.back() += '\n';
      else if (e != 'e') out.back() += e;
    } else {
      out.back() += c;
    }
  }
  return out;
}

audit::event_kind kind_from_text(std::string_view text) noexcept {
  for (auto k : {audit::event_kind::statement, audit::event_kind::outcome,
                 audit::event_kind::session, audit::event_kind::review, audit::event_kind::grant,
                 audit::event_kind::journal})
    if (audit::to_string(k) == text) return k;
  return static_cast<audit::event_kind>(0);
}

}  // namespace gh::store
