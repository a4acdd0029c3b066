#include "config/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "config/values.hpp"

namespace gh::config::detail {
namespace {

// yaml-cpp marks are 0-based; a null value's mark points past it, so the
// caller passes the key's line as the fallback.
int line_of(const YAML::Node& n, int fallback) {
  if (!n.IsDefined() || n.IsNull()) return fallback;
  int line = n.Mark().line;
  return line >= 0 ? line + 1 : fallback;
}

std::string join_words(std::initializer_list<std::string_view> words) {
  std::string out;
  for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

bool is_plain(const YAML::Node& n) { return n.Tag() == "?"; }

// Where a number or true/false belongs, "got '5432'" for a quoted 5432 would
// puzzle: say that it is quoted.
[[noreturn]] void fail_not_plain(const context& cx, const located& at, std::string_view expected) {
  if (at.node.IsScalar() && !is_plain(at.node))
    cx.fail(at.line, at.key, "expected " + std::string(expected) + ", got a quoted string " +
                                 quote_value(at.node.Scalar()));
  fail_expected(cx, at, expected);
}

}  // namespace

void context::fail(int line, const std::string& key, const std::string& what) const {
  throw config_error(file, line, key, what);
}

std::string context::resolve(const std::string& path) const {
  std::filesystem::path p(path);
  if (p.is_absolute() || dir.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(dir) / p).lexically_normal().string();
}

std::string describe_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return n.size() ? "a map" : "an empty map";
    case YAML::NodeType::Sequence: return n.size() ? "a list" : "an empty list";
    case YAML::NodeType::Scalar: return n.Scalar().empty() ? "an empty string" : "a string";
    default: return "nothing";
  }
}

std::string describe(const YAML::Node& n) {
  if (n.IsScalar() && !n.Scalar().empty()) return quote_value(n.Scalar());
  return describe_kind(n);
}

void fail_expected(const context& cx, const located& at, std::string_view expected) {
  cx.fail(at.line, at.key, "expected " + std::string(expected) + ", got " + describe(at.node));
}

map_reader::map_reader(const context& cx, const located& at,
                       std::initializer_list<std::string_view> known)
    : cx_(&cx), at_(at) {
  read(cx, known, false);
}

map_reader::map_reader(const context& cx, const located& at) : cx_(&cx), at_(at) {
  read(cx, {}, true);
}

void map_reader::read(const context& cx, std::initializer_list<std::string_view> known, bool any) {
  if (!at_.node.IsMap())
    cx.fail(at_.line, at_.key, "expected a map" + (any ? std::string() : " with keys " + join_words(known)) +
                                   ", got " + describe_kind(at_.node));
  for (auto it = at_.node.begin(); it != at_.node.end(); ++it) {
    // Copies: the iterator hands out a temporary pair (a reference would dangle).
    YAML::Node k = it->first;
    YAML::Node v = it->second;
    int key_line = line_of(k, at_.line);
    std::string prefix = at_.key.empty() ? "" : at_.key + ".";
    if (!k.IsScalar() || k.Scalar().empty())
      cx.fail(key_line, at_.key, "expected string keys, got " + describe_kind(k) + " as a key");
    const std::string name = k.Scalar();
    for (const auto& [seen, where] : entries_)
      if (seen == name)
        cx.fail(key_line, prefix + name,
                "expected each key once, got it again (first on line " +
                    std::to_string(where.line) + ")");
    if (!any && std::find(known.begin(), known.end(), name) == known.end()) {
      std::string what = "expected one of " + join_words(known) + ", got an unknown key";
      auto hint = closest_word(name, std::span<const std::string_view>(known.begin(), known.size()));
      if (!hint.empty()) what += " (did you mean '" + std::string(hint) + "'?)";
      if (name == "<<") what += " (YAML merge keys are not supported)";
      cx.fail(key_line, prefix + name, what);
    }
    entries_.emplace_back(name, located{v, prefix + name, line_of(v, key_line)});
  }
}

std::optional<located> map_reader::find(std::string_view key) const {
  for (const auto& [name, value] : entries_)
    if (name == key) return value;
  return std::nullopt;
}

located map_reader::need(std::string_view key, std::string_view expected) const {
  if (auto v = find(key)) return *v;
  std::string path = (at_.key.empty() ? "" : at_.key + ".") + std::string(key);
  cx_->fail(at_.line, path, "expected " + std::string(expected) + ", got nothing (the key is required)");
}

std::string text(const context& cx, const located& at, std::string_view expected) {
  if (!at.node.IsScalar() || at.node.Scalar().empty()) fail_expected(cx, at, expected);
  return at.node.Scalar();
}

std::string secret_text(const context& cx, const located& at, std::string_view expected) {
  if (!at.node.IsScalar() || at.node.Scalar().empty())
    cx.fail(at.line, at.key, "expected " + std::string(expected) + ", got " + describe_kind(at.node));
  return at.node.Scalar();
}

std::vector<located> items(const context& cx, const located& at, std::string_view expected) {
  if (!at.node.IsSequence()) fail_expected(cx, at, "a list of " + std::string(expected));
  std::vector<located> out;
  std::size_t i = 0;
  for (const auto& n : at.node) {
    out.push_back(located{n, at.key + "[" + std::to_string(i) + "]", line_of(n, at.line)});
    ++i;
  }
  return out;
}

bool boolean(const context& cx, const located& at) {
  if (at.node.IsScalar() && is_plain(at.node)) {
    if (at.node.Scalar() == "true") return true;
    if (at.node.Scalar() == "false") return false;
  }
  fail_not_plain(cx, at, "true or false");
}

std::int64_t integer(const context& cx, const located& at, std::int64_t min, std::int64_t max) {
  std::string expected = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!at.node.IsScalar() || !is_plain(at.node)) fail_not_plain(cx, at, expected);
  const std::string& s = at.node.Scalar();
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max)
    fail_expected(cx, at, expected);
  return v;
}

std::chrono::seconds duration(const context& cx, const located& at, std::chrono::seconds min) {
  std::string expected = "a duration like 30s, 15m, 8h or 1h30m";
  if (min.count() > 0) expected += " of at least " + std::to_string(min.count()) + "s";
  if (!at.node.IsScalar()) fail_expected(cx, at, expected);
  auto d = parse_duration(at.node.Scalar());
  if (!d || *d < min) fail_expected(cx, at, expected);
  return *d;
}

void optional_text(const context& cx, const map_reader& m, std::string_view key, std::string& out) {
  if (auto v = m.find(key)) out = text(cx, *v);
}

namespace {

// Counts documents and notes where the second starts, building nothing.
// yaml-cpp's LoadAll never ends on some inputs (a stray ',' outside any flow
// collection yields empty documents without consuming it, until memory runs
// out): found by config_fuzz. Counting stops at two.
class document_counter final : public YAML::EventHandler {
 public:
  int documents = 0;
  int second_line = 1;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second_line = mark.line >= 0 ? mark.line + 1 : 1;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

located load_document(const context& cx, const std::string& yaml_text, std::string_view sections) {
  YAML::Node doc;
  bool empty = false;
  try {
    std::istringstream in(yaml_text);
    YAML::Parser parser(in);
    document_counter counter;
    while (counter.documents < 2 && parser.HandleNextDocument(counter)) {
    }
    if (counter.documents > 1)
      cx.fail(counter.second_line, "",
              "expected one YAML document, got another from here (a '---', or a stray ',' outside [ ] or { })");
    empty = counter.documents == 0;
    if (!empty) doc = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    cx.fail(e.mark.line >= 0 ? e.mark.line + 1 : 1, "", "expected valid YAML, got " + e.msg);
  }
  if (empty || !doc.IsMap())
    cx.fail(1, "", "expected a map of sections (" + std::string(sections) + "), got " +
                       (empty ? std::string("an empty file") : describe_kind(doc)));
  return located{doc, "", 1};
}

}  // namespace gh::config::detail
