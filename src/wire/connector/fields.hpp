// Field reader and writer for connector frame bodies (framing.hpp lists the
// field kinds). Internal to wire/connector: the message files use them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "wire/connector/error.hpp"

namespace gh::wire::connector::detail {

// Reads fields in order; the first failure sticks, so a decoder reads all
// its fields and checks once at the end.
class field_reader {
 public:
  explicit field_reader(bytes_view body) noexcept : in_(body) {}

  std::uint8_t u8() noexcept {
    if (!take(1)) return 0;
    return in_[pos_ - 1];
  }
  std::uint16_t u16() noexcept {
    if (!take(2)) return 0;
    return load_be16(in_.data() + pos_ - 2);
  }
  std::uint32_t u32() noexcept {
    if (!take(4)) return 0;
    return load_be32(in_.data() + pos_ - 4);
  }
  // Exactly n bytes.
  std::string fixed(std::size_t n) {
    if (!take(n)) return {};
    return std::string(as_chars(in_.subspan(pos_ - n, n)));
  }
  // Int16 length | bytes; text never holds a NUL (it may end up in a
  // PostgreSQL message, where NUL ends a string).
  std::string text() {
    std::string s = fixed(u16());
    if (s.find('\0') != std::string::npos) fail(codec_error::bad_value);
    return s;
  }
  // Int32 length | bytes (checked against what is left before any copy).
  std::string blob() { return fixed(u32()); }

  bool ok() const noexcept { return !error_; }
  void fail(codec_error e) noexcept {
    if (!error_) error_ = e;
  }
  // The first error, or trailing_bytes when fields are left unread; 0 if fine.
  codec_error finish() const noexcept {
    if (error_) return *error_;
    if (pos_ != in_.size()) return codec_error::trailing_bytes;
    return codec_error{};
  }

 private:
  bool take(std::size_t n) noexcept {
    if (error_) return false;
    if (in_.size() - pos_ < n) {
      error_ = codec_error::truncated;
      return false;
    }
    pos_ += n;
    return true;
  }

  bytes_view in_;
  std::size_t pos_ = 0;
  std::optional<codec_error> error_;
};

// Appends text; false (and nothing appended) when it is too long or holds a NUL.
inline bool put_text(std::string& out, std::string_view s) {
  if (s.size() > 0xffff || s.find('\0') != std::string_view::npos) return false;
  put_be16(out, static_cast<std::uint16_t>(s.size()));
  out += s;
  return true;
}

inline void put_blob(std::string& out, std::string_view s) {
  put_be32(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

}  // namespace gh::wire::connector::detail
