#include "audit/canonical.hpp"

#include "audit/field_codec.hpp"

namespace gh::audit {

void append_canonical(std::string& out, std::uint64_t seq, const event& ev) {
  const std::string_view strings[] = {ev.principal, ev.session,  ev.client,   ev.connection,
                                      ev.statement, ev.cls,      ev.decision, ev.rule,
                                      ev.reviewer,  ev.ref,      ev.error,    ev.statement_id};
  std::size_t size = fields::string_size(canonical_tag) + 8 + 1 + 4 * 8 + fields::list_size(ev.tables);
  for (std::string_view s : strings) size += fields::string_size(s);

  std::size_t start = out.size();
  out.resize(start + size);
  fields::writer w{reinterpret_cast<std::uint8_t*>(out.data()) + start};
  w.str(canonical_tag);
  w.u64(seq);
  w.u8(static_cast<std::uint8_t>(ev.kind));
  w.i64(to_unix_micros(ev.time));
  w.i64(ev.duration_us);
  w.i64(ev.rows);
  w.u64(ev.statement_length);
  for (std::string_view s : strings) w.str(s);
  w.list(ev.tables);
}

void append_folded_outcome(std::string& out, const event& outcome) {
  std::size_t size = fields::string_size(outcome_tag) + 3 * 8 +
                     fields::string_size(outcome.decision) + fields::string_size(outcome.error);
  std::size_t start = out.size();
  out.resize(start + size);
  fields::writer w{reinterpret_cast<std::uint8_t*>(out.data()) + start};
  w.str(outcome_tag);
  w.i64(to_unix_micros(outcome.time));
  w.i64(outcome.duration_us);
  w.i64(outcome.rows);
  w.str(outcome.decision);
  w.str(outcome.error);
}

}  // namespace gh::audit
