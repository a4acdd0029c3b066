#include "audit/json_line.hpp"

#include <cstdio>

namespace gh::audit {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// A JSON object written field by field: keys are ours, values escaped here.
// Written by hand rather than with Boost.JSON to print durations as "0.412"
// (Boost.JSON prints "4.12E-1") and to keep this pure core free of it.
class object_writer {
 public:
  object_writer() { out_ += '{'; }
  std::string done() && { out_ += '}'; return std::move(out_); }

  void text(std::string_view key, std::string_view v) { name(key); quoted(v); }
  void text_or_null(std::string_view key, std::string_view v) {
    if (v.empty()) null(key); else text(key, v);
  }
  void integer(std::string_view key, std::int64_t v) { name(key); out_ += std::to_string(v); }
  void count_or_null(std::string_view key, std::int64_t v) {
    if (v < 0) null(key); else integer(key, v);
  }
  void millis_or_null(std::string_view key, std::int64_t us) {
    if (us < 0) return null(key);
    name(key);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(us / 1000),
                  static_cast<long long>(us % 1000));
    out_ += buf;
  }
  void null(std::string_view key) { name(key); out_ += "null"; }
  void list(std::string_view key, const std::vector<std::string>& items) {
    name(key);
    out_ += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out_ += ',';
      quoted(items[i]);
    }
    out_ += ']';
  }

 private:
  void name(std::string_view key) {
    if (out_.size() > 1) out_ += ',';
    quoted(key);
    out_ += ':';
  }
  void quoted(std::string_view raw) {
    std::string v = valid_utf8(raw);
    out_ += '"';
    for (char ch : v) {
      auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') { out_ += '\\'; out_ += ch; }
      else if (c == '\n') out_ += "\\n";
      else if (c == '\r') out_ += "\\r";
      else if (c == '\t') out_ += "\\t";
      else if (c < 0x20 || c == 0x7F) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out_ += buf;
      } else out_ += ch;
    }
    out_ += '"';
  }

  std::string out_;
};

}  // namespace

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

std::string to_json_line(const search_row& row) {
  const event& s = row.statement;
  object_writer o;
  if (row.seq) o.integer("seq", *row.seq); else o.null("seq");
  o.text("time", format_rfc3339(s.time));
  o.text("kind", to_string(s.kind));
  o.text("principal", s.principal);
  o.text("session", s.session);
  o.text("client", s.client);
  o.text("connection", s.connection);
  o.text("statement", s.statement);
  if (s.statement_length != 0)
    o.integer("statement_length", static_cast<std::int64_t>(s.statement_length));
  o.text("class", s.cls);
  o.list("tables", s.tables);
  o.text("decision", s.decision);
  o.text_or_null("rule", s.rule);
  o.text_or_null("reviewer", s.reviewer);
  o.text_or_null("statement_id", s.statement_id);
  // The outcome's figures when it is known; else what the event itself holds
  // (a refused statement carries its error and no outcome).
  const event& done = row.outcome ? *row.outcome : s;
  if (row.outcome) o.text_or_null("outcome", done.decision); else o.null("outcome");
  o.millis_or_null("duration_ms", done.duration_us);
  o.count_or_null("rows", done.rows);
  o.text_or_null("error", done.error.empty() ? s.error : done.error);
  return std::move(o).done();
}

}  // namespace gh::audit
