#include "audit_fuzz_targets.hpp"

#include <string>

#include "audit/canonical.hpp"
#include "audit/json_line.hpp"
#include "audit/serialize.hpp"

namespace gh::fuzz {

namespace {

// The body parser alone: the checksum would otherwise keep a fuzzer from
// ever reaching it with anything but the seeds' bodies.
std::string_view body_alone(bytes_view data, audit::event& ev, std::string& again) {
  if (audit::decode_body(data, ev) != audit::decode_status::complete) return "";
  again.clear();
  if (!audit::append_record(again, ev, audit::record_max)) return "a decoded body cannot be encoded";
  if (std::string_view(again).substr(audit::record_header_size) != as_chars(data))
    return "re-encoding a body differs from it";
  return "";
}

}  // namespace

std::string_view audit_journal(bytes_view data) {
  std::size_t pos = 0;
  audit::event ev;
  std::string again;
  if (auto broken = body_alone(data, ev, again); !broken.empty()) return broken;
  while (pos < data.size()) {
    bytes_view rest = data.subspan(pos);
    audit::frame f = audit::decode_record(rest, ev);
    switch (f.status) {
      case audit::decode_status::need_more:
        if (f.used != 0) return "need_more consumed bytes";
        return "";
      case audit::decode_status::bad_length:
        if (f.used != 0) return "bad_length consumed bytes";
        return "";
      case audit::decode_status::bad_checksum:
      case audit::decode_status::malformed:
        if (f.used <= audit::record_header_size || f.used > rest.size())
          return "a skipped record's size is out of bounds";
        break;
      case audit::decode_status::complete: {
        if (f.used > rest.size()) return "complete record longer than the input";
        // The layout has one encoding per event: encoding what was decoded
        // gives back the very bytes.
        again.clear();
        if (!audit::append_record(again, ev, audit::record_max))
          return "a decoded event cannot be encoded";
        if (again != as_chars(rest.first(f.used))) return "re-encoding differs from the record";
        std::string line = audit::to_json_line({1, ev, std::nullopt});
        for (char c : line)
          if (static_cast<unsigned char>(c) < 0x20) return "a JSON line holds a control character";
        (void)audit::canonical(1, ev);
        break;
      }
    }
    pos += f.used;  // > 0 here: every remaining case consumed a record
  }
  return "";
}

}  // namespace gh::fuzz
