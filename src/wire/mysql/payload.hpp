// Field readers over one message payload, and a builder for payloads.
// MySQL integers are little-endian; "length-encoded" integers and strings
// are described at https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_integers.html
// The reader never reads past the payload; every read says whether it fit.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace gh::wire::mysql {

inline std::uint64_t load_le(const std::uint8_t* p, std::size_t n) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

class payload_reader {
 public:
  explicit payload_reader(bytes_view payload) noexcept
      : p_(payload.data()), end_(payload.data() + payload.size()) {}
  explicit payload_reader(std::string_view payload) noexcept : payload_reader(as_bytes(payload)) {}

  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
  bool done() const noexcept { return p_ == end_; }
  int peek() const noexcept { return p_ == end_ ? -1 : *p_; }

  bool u8(std::uint8_t& v) noexcept { return fixed_int(1, v); }
  bool u16(std::uint16_t& v) noexcept { return fixed_int(2, v); }
  bool u24(std::uint32_t& v) noexcept { return fixed_int(3, v); }
  bool u32(std::uint32_t& v) noexcept { return fixed_int(4, v); }
  bool u64(std::uint64_t& v) noexcept { return fixed_int(8, v); }

  // A length-encoded integer; false on 0xFB (NULL) and 0xFF, which are not
  // integers, and when it does not fit.
  bool lenenc(std::uint64_t& v) noexcept {
    if (p_ == end_) return false;
    const std::uint8_t first = *p_;
    if (first < 0xfb) {
      v = first;
      ++p_;
      return true;
    }
    const std::size_t n = first == 0xfc ? 2 : first == 0xfd ? 3 : first == 0xfe ? 8 : 0;
    if (n == 0 || remaining() < 1 + n) return false;
    v = load_le(p_ + 1, n);
    p_ += 1 + n;
    return true;
  }
  bool lenenc_string(std::string_view& v) noexcept {
    std::uint64_t n = 0;
    const std::uint8_t* start = p_;
    if (!lenenc(n)) return false;
    if (n > remaining()) {
      p_ = start;
      return false;
    }
    return bytes(static_cast<std::size_t>(n), v);
  }
  // A NUL-terminated string; the view excludes the NUL.
  bool nul_string(std::string_view& v) noexcept {
    if (p_ == end_) return false;  // memchr must not get a null pointer
    const void* nul = std::memchr(p_, 0, remaining());
    if (!nul) return false;
    const auto n = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - p_);
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
  bool skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    p_ += n;
    return true;
  }
  std::string_view rest() noexcept {
    std::string_view v(reinterpret_cast<const char*>(p_), remaining());
    p_ = end_;
    return v;
  }

 private:
  template <class T>
  bool fixed_int(std::size_t n, T& v) noexcept {
    if (remaining() < n) return false;
    v = static_cast<T>(load_le(p_, n));
    p_ += n;
    return true;
  }

  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

// Appends fields to a payload held in a std::string.
class payload_builder {
 public:
  explicit payload_builder(std::string& out) noexcept : out_(out) {}

  payload_builder& u8(std::uint8_t v) { return le(v, 1); }
  payload_builder& u16(std::uint16_t v) { return le(v, 2); }
  payload_builder& u24(std::uint32_t v) { return le(v, 3); }
  payload_builder& u32(std::uint32_t v) { return le(v, 4); }
  payload_builder& u64(std::uint64_t v) { return le(v, 8); }
  payload_builder& lenenc(std::uint64_t v) {
    if (v < 0xfb) return le(v, 1);
    if (v <= 0xffff) return u8(0xfc).le(v, 2);
    if (v <= 0xffffff) return u8(0xfd).le(v, 3);
    return u8(0xfe).le(v, 8);
  }
  payload_builder& lenenc_string(std::string_view s) { return lenenc(s.size()).raw(s); }
  payload_builder& nul_string(std::string_view s) {
    out_.append(s);
    out_ += '\0';
    return *this;
  }
  payload_builder& raw(std::string_view s) {
    out_.append(s);
    return *this;
  }
  payload_builder& zeros(std::size_t n) {
    out_.append(n, '\0');
    return *this;
  }

 private:
  payload_builder& le(std::uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xff);
    return *this;
  }
  std::string& out_;
};

}  // namespace gh::wire::mysql
