// Field readers over one framed message body, and a builder for messages.
// The reader never reads past the body; every read says whether it fit.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/expected.hpp"
#include "wire/pg/error.hpp"

namespace gh::wire::pg {

class body_reader {
 public:
  explicit body_reader(bytes_view body) noexcept : p_(body.data()), end_(body.data() + body.size()) {}

  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
  bool done() const noexcept { return p_ == end_; }

  bool int8(std::uint8_t& v) noexcept {
    if (remaining() < 1) return false;
    v = *p_++;
    return true;
  }
  bool int16(std::int16_t& v) noexcept {
    if (remaining() < 2) return false;
    v = static_cast<std::int16_t>(load_be16(p_));
    p_ += 2;
    return true;
  }
  bool int32(std::int32_t& v) noexcept {
    if (remaining() < 4) return false;
    v = static_cast<std::int32_t>(load_be32(p_));
    p_ += 4;
    return true;
  }
  // A NUL-terminated string; the view excludes the NUL.
  bool cstring(std::string_view& v) noexcept {
    // An empty body may have a null data pointer, which memchr must not get.
    if (p_ == end_) return false;
    const void* nul = std::memchr(p_, 0, remaining());
    if (!nul) return false;
    auto n = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - p_);
    v = std::string_view(reinterpret_cast<const char*>(p_), n);
    p_ += n + 1;
    return true;
  }
  bool bytes(std::size_t n, std::string_view& v) noexcept {
    if (remaining() < n) return false;
    v = std::string_view(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }
  std::string_view rest() noexcept {
    std::string_view v(reinterpret_cast<const char*>(p_), remaining());
    p_ = end_;
    return v;
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

// Builds typed messages into `out` (appending): begin(), fields, end().
class message_builder {
 public:
  explicit message_builder(std::string& out) noexcept : out_(out) {}

  message_builder& begin(char type) {
    out_ += type;
    start_ = out_.size();
    out_.append(4, '\0');
    return *this;
  }
  // Startup-phase packets have no type byte.
  message_builder& begin_untyped() {
    start_ = out_.size();
    out_.append(4, '\0');
    return *this;
  }
  message_builder& int8(std::uint8_t v) { out_ += static_cast<char>(v); return *this; }
  message_builder& int16(std::int16_t v) { put_be16(out_, static_cast<std::uint16_t>(v)); return *this; }
  message_builder& int32(std::int32_t v) { put_be32(out_, static_cast<std::uint32_t>(v)); return *this; }
  message_builder& cstring(std::string_view s) { out_.append(s); out_ += '\0'; return *this; }
  message_builder& raw(std::string_view s) { out_.append(s); return *this; }
  void end() {
    store_be32(reinterpret_cast<std::uint8_t*>(out_.data() + start_),
               static_cast<std::uint32_t>(out_.size() - start_));
  }

 private:
  std::string& out_;
  std::size_t start_ = 0;
};

}  // namespace gh::wire::pg
