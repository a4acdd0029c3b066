#include "fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "wire/mysql/constants.hpp"
#include "wire/mysql/framing.hpp"

namespace gh::wire::mysql::test {
namespace {

const std::filesystem::path& fixture_dir() {
  static const std::filesystem::path dir = std::filesystem::path(GH_TEST_DATA_DIR) / "mysql";
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
    if (c == '\n') {
      comment = false;
      continue;
    }
    if (comment) continue;
    if (c == '#') {
      comment = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    const int d = hex_digit(c);
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
  std::istringstream lines(text.str());
  std::string line, framing;
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
  EXPECT_EQ(framing, "packets") << name << ": '# framing: packets'";
  auto bytes = parse_hex(text.str());
  if (!bytes) {
    ADD_FAILURE() << name << ": not hex";
    return f;
  }
  f.bytes = std::move(*bytes);
  return f;
}

std::vector<std::string> payloads_of(std::string_view name) {
  const fixture f = load_fixture(name);
  std::vector<std::string> out;
  bytes_view in = bytes_of(f.bytes);
  while (!in.empty()) {
    const packet_frame p = next_packet(in, max_packet_payload);
    if (p.status != frame_status::ready) {
      ADD_FAILURE() << name << ": does not frame into whole packets";
      break;
    }
    out.emplace_back(as_chars(p.payload));
    in = in.subspan(p.size);
  }
  return out;
}

grind_result grind(std::string_view input, const std::vector<std::size_t>& cuts,
                   std::size_t max_payload) {
  grind_result r;
  std::string buffer;
  std::size_t from = 0;
  auto pieces = cuts;
  pieces.push_back(input.size());
  for (std::size_t to : pieces) {
    buffer.append(input.substr(from, to - from));
    from = to;
    for (;;) {
      const message_frame f = next_message(bytes_of(buffer), max_payload);
      if (f.status == frame_status::need_more) {
        if (f.size != 0) r.violations += "need_more consumed bytes; ";
        if (f.wanted != 0 && f.wanted <= buffer.size()) r.violations += "need_more wanted no more than it had; ";
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
      std::string payload;
      append_payload(bytes_of(buffer), f, payload);
      if (payload.size() != f.payload_size) r.violations += "payload size differs from the frame's; ";
      r.messages.push_back({f.sequence, std::move(payload), f.size});
      buffer.erase(0, f.size);
    }
  }
  r.unconsumed = buffer.size();
  return r;
}

}  // namespace gh::wire::mysql::test
