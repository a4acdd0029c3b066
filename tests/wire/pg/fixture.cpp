#include "fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gh::wire::pg::test {
namespace {

const std::filesystem::path& fixture_dir() {
  static const std::filesystem::path dir = std::filesystem::path(GH_TEST_DATA_DIR) / "pg";
  return dir;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> parse_hex(std::string_view text) {
  std::string out;
  int high = -1;
  bool comment = false;
  for (char c : text) {
    if (c == '\n') { comment = false; continue; }
    if (comment) continue;
    if (c == '#') { comment = true; continue; }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    if (high < 0) {
      high = d;
    } else {
      out += static_cast<char>(high << 4 | d);
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  return out;
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(fixture_dir()))
    if (e.path().extension() == ".hex") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

fixture load_fixture(std::string_view name) {
  fixture f;
  f.name = name;
  std::ifstream in(fixture_dir() / (std::string(name) + ".hex"), std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "no fixture " << name;
    return f;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string line;
  std::istringstream lines(text.str());
  std::string framing;
  for (int i = 0; i < 3 && std::getline(lines, line); ++i) {
    std::string_view l = trim(line);
    if (l.substr(0, 1) != "#") break;
    l = trim(l.substr(1));
    if (i == 0) f.title = l;
    if (l.starts_with("source:")) f.source = trim(l.substr(7));
    if (l.starts_with("framing:")) framing = trim(l.substr(8));
  }
  EXPECT_FALSE(f.title.empty()) << name << ": first line must say what the bytes are";
  EXPECT_FALSE(f.source.empty()) << name << ": a '# source:' line must say where the bytes came from";
  EXPECT_TRUE(framing == "startup" || framing == "typed") << name << ": '# framing: startup|typed'";
  f.startup = framing == "startup";
  auto bytes = parse_hex(text.str());
  if (!bytes) {
    ADD_FAILURE() << name << ": not hex";
    return f;
  }
  f.bytes = std::move(*bytes);
  return f;
}

std::string body_of(std::string_view name) {
  fixture f = load_fixture(name);
  std::size_t header = f.startup ? 4 : 5;
  if (f.bytes.size() < header) {
    ADD_FAILURE() << name << ": shorter than a header";
    return {};
  }
  return f.bytes.substr(header);
}

namespace {

void check_need_more(const frame& f, std::size_t have, grind_result& r) {
  if (f.size != 0 || !f.body.empty()) r.violations += "need_more consumed bytes; ";
  if (f.wanted != 0 && f.wanted <= have) r.violations += "need_more wanted no more than it had; ";
}

}  // namespace

grind_result grind(std::string_view input, bool startup, const std::vector<std::size_t>& cuts,
                   std::uint32_t max_size) {
  grind_result r;
  std::string buffer;
  bool first = startup;
  std::size_t from = 0;
  auto pieces = cuts;
  pieces.push_back(input.size());
  for (std::size_t to : pieces) {
    buffer.append(input.substr(from, to - from));
    from = to;
    for (;;) {
      frame f = first ? next_startup_packet(bytes_of(buffer), max_size)
                      : next_message(bytes_of(buffer), max_size);
      if (f.status == frame_status::need_more) {
        check_need_more(f, buffer.size(), r);
        break;
      }
      if (f.status == frame_status::error) {
        r.error = f.error;
        r.unconsumed = buffer.size();
        return r;
      }
      if (f.size == 0 || f.size > buffer.size()) {
        r.violations += "ready with an impossible size; ";
        return r;
      }
      std::size_t header = first ? 4 : 5;
      auto* base = reinterpret_cast<const std::uint8_t*>(buffer.data());
      if (f.body.data() != base + header || f.body.size() + header != f.size)
        r.violations += "body is not the bytes after the header; ";
      r.frames.push_back({f.type, std::string(as_chars(f.body)), f.size});
      buffer.erase(0, f.size);
      first = false;
    }
  }
  r.unconsumed = buffer.size();
  return r;
}

}  // namespace gh::wire::pg::test
