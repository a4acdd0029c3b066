#include "fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "wire/connector/framing.hpp"

namespace gh::wire::connector::test {
namespace {

const std::filesystem::path dir = std::filesystem::path(GH_TEST_DATA_DIR) / "connector";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> parse_hex(std::string_view text) {
  std::string out;
  int high = -1;
  bool comment = false;
  for (char c : text) {
    if (c == '\n') comment = false;
    if (comment || c == '\n' || c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '#') {
      comment = true;
      continue;
    }
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
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".hex") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

fixture load_fixture(std::string_view name) {
  fixture f;
  f.name = name;
  std::ifstream in(dir / (std::string(name) + ".hex"));
  if (!in) {
    ADD_FAILURE() << "no fixture " << name;
    return f;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::istringstream lines(text.str());
  std::string line;
  for (int i = 0; i < 3 && std::getline(lines, line); ++i) {
    if (line.rfind("# ", 0) != 0) break;
    if (i == 0) f.title = line.substr(2);
    if (i == 2 && line.rfind("# framing: ", 0) == 0) f.framing = line.substr(11);
  }
  EXPECT_FALSE(f.title.empty()) << name << ": no title line";
  EXPECT_TRUE(f.framing == "preamble" || f.framing == "frames" || f.framing == "preamble+frames")
      << name << ": framing line";
  auto bytes = parse_hex(text.str());
  EXPECT_TRUE(bytes.has_value()) << name << ": not hex";
  if (bytes) f.bytes = std::move(*bytes);
  return f;
}

std::string body_of(std::string_view name) {
  fixture f = load_fixture(name);
  if (f.bytes.size() < frame_header_size) return {};
  return f.bytes.substr(frame_header_size);
}

read_result read_stream(std::string_view input, bool with_preamble, const std::vector<std::size_t>& cuts,
                        std::uint32_t max_body) {
  read_result r;
  std::string buf;
  std::size_t fed = 0;
  bool need_head = with_preamble;
  auto pump = [&] {
    while (!r.error) {
      bytes_view in = as_bytes(buf);
      if (need_head) {
        preamble_step s = decode_preamble(in);
        if (s.status == step_status::need_more) {
          if (in.size() >= preamble_size) r.violations += "preamble need_more with a whole preamble; ";
          return;
        }
        if (s.status == step_status::error) {
          r.error = s.error;
          return;
        }
        r.head = s.value;
        buf.erase(0, preamble_size);
        need_head = false;
        continue;
      }
      frame f = next_frame(in, max_body);
      if (f.status == step_status::need_more) {
        if (f.size != 0) r.violations += "need_more with a size; ";
        return;
      }
      if (f.status == step_status::error) {
        r.error = f.error;
        return;
      }
      if (f.size > in.size() || f.body.size() > max_body || f.size != frame_header_size + f.body.size())
        r.violations += "frame outside its input or limit; ";
      r.frames.push_back({f.type, std::string(as_chars(f.body))});
      buf.erase(0, f.size);
    }
  };
  for (std::size_t cut : cuts) {
    buf.append(input.substr(fed, cut - fed));
    fed = cut;
    pump();
  }
  buf.append(input.substr(fed));
  pump();
  r.unconsumed = buf.size();
  return r;
}

}  // namespace gh::wire::connector::test
