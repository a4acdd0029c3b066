// Typed, checked access to a yaml-cpp tree for the loaders. Every accessor
// either returns the value or throws config_error naming the file, the line
// (1-based) and the key path ("rules[2].allow[1]"). Internal to gh_config;
// the only place yaml-cpp types appear.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config.hpp"

namespace gh::config::detail {

struct context {
  std::string file;  // as the user named it, for messages
  std::string dir;   // relative paths in the file resolve against this
  const system_access* system = nullptr;

  [[noreturn]] void fail(int line, const std::string& key, const std::string& what) const;
  // `path` made absolute against `dir` when relative.
  std::string resolve(const std::string& path) const;
};

// A node, the key path that reaches it and the line to blame.
struct located {
  YAML::Node node;
  std::string key;
  int line = 0;
};

// What a node is, for "got …": "a map", "a list", "nothing", or the scalar
// quoted. describe_kind never shows a scalar's text (for secrets).
std::string describe(const YAML::Node& n);
std::string describe_kind(const YAML::Node& n);

// [[noreturn]] helper: "expected <expected>, got <describe(at)>".
[[noreturn]] void fail_expected(const context& cx, const located& at, std::string_view expected);

// The entries of a YAML map, checked once: the node is a map, its keys are
// strings, none repeats, and (unless any key is allowed) each is known.
class map_reader {
 public:
  map_reader(const context& cx, const located& at, std::initializer_list<std::string_view> known);
  // Any key (e.g. connection names); the caller checks them.
  map_reader(const context& cx, const located& at);

  std::optional<located> find(std::string_view key) const;
  located need(std::string_view key, std::string_view expected) const;
  const std::vector<std::pair<std::string, located>>& entries() const { return entries_; }
  const located& where() const { return at_; }

 private:
  void read(const context& cx, std::initializer_list<std::string_view> known, bool any);

  const context* cx_;
  located at_;
  std::vector<std::pair<std::string, located>> entries_;
};

std::string text(const context& cx, const located& at, std::string_view expected = "a string");
// A scalar whose text is never shown in an error (secrets, store URLs).
std::string secret_text(const context& cx, const located& at, std::string_view expected);
std::vector<located> items(const context& cx, const located& at, std::string_view expected);
bool boolean(const context& cx, const located& at);
std::int64_t integer(const context& cx, const located& at, std::int64_t min, std::int64_t max);
std::chrono::seconds duration(const context& cx, const located& at, std::chrono::seconds min);

// Optional keys: fill `out` only when the key is present.
void optional_text(const context& cx, const map_reader& m, std::string_view key, std::string& out);

// The parsed document: exactly one, and a map (`sections` names its keys
// for the message when it is not).
located load_document(const context& cx, const std::string& yaml_text, std::string_view sections);

}  // namespace gh::config::detail
