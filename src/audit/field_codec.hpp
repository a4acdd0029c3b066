// The field encoding shared by the journal record body (serialize.hpp) and the
// canonical form the chain hashes (canonical.hpp): big-endian integers and
// strings prefixed by their u32 length, so no field can run into the next.
// Writers write into memory the caller sized; the reader checks every length
// against the bytes it actually holds before using it (STYLE.md §2).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"

namespace gh::audit::fields {

inline std::size_t string_size(std::string_view s) noexcept { return 4 + s.size(); }
inline std::size_t list_size(const std::vector<std::string>& list) noexcept {
  std::size_t n = 4;
  for (const auto& s : list) n += string_size(s);
  return n;
}

// Writes at a cursor into memory of the size computed beforehand.
struct writer {
  std::uint8_t* at;

  void u8(std::uint8_t v) noexcept { *at++ = v; }
  void u32(std::uint32_t v) noexcept { store_be32(at, v); at += 4; }
  void u64(std::uint64_t v) noexcept {
    u32(static_cast<std::uint32_t>(v >> 32));
    u32(static_cast<std::uint32_t>(v));
  }
  void i64(std::int64_t v) noexcept { u64(static_cast<std::uint64_t>(v)); }
  // Precondition: s.size() fits in u32 (callers bound records far below).
  void str(std::string_view s) noexcept {
    u32(static_cast<std::uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(at, s.data(), s.size());
    at += s.size();
  }
  void list(const std::vector<std::string>& l) noexcept {
    u32(static_cast<std::uint32_t>(l.size()));
    for (const auto& s : l) str(s);
  }
};

// Reads from a bounded span; every read fails (returns false) rather than
// step past the end, and then the reader stays failed.
class reader {
 public:
  explicit reader(bytes_view in) noexcept : in_(in) {}

  bool u8(std::uint8_t& v) noexcept {
    if (!need(1)) return false;
    v = in_[pos_++];
    return true;
  }
  bool u32(std::uint32_t& v) noexcept {
    if (!need(4)) return false;
    v = load_be32(in_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool u64(std::uint64_t& v) noexcept {
    std::uint32_t hi = 0, lo = 0;
    if (!u32(hi) || !u32(lo)) return false;
    v = (std::uint64_t{hi} << 32) | lo;
    return true;
  }
  bool i64(std::int64_t& v) noexcept {
    std::uint64_t u = 0;
    if (!u64(u)) return false;
    v = static_cast<std::int64_t>(u);  // two's complement round trip of writer::i64
    return true;
  }
  // Assigns into `s` so a reused event keeps its string capacity.
  bool str(std::string& s) {
    std::uint32_t n = 0;
    if (!u32(n) || !need(n)) return fail();
    s.assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool list(std::vector<std::string>& l) {
    std::uint32_t n = 0;
    // Each element takes at least 4 bytes: a count beyond that is a lie.
    if (!u32(n) || n > remaining() / 4) return fail();
    l.resize(n);
    for (auto& s : l)
      if (!str(s)) return false;
    return true;
  }
  std::size_t remaining() const noexcept { return ok_ ? in_.size() - pos_ : 0; }
  bool ok() const noexcept { return ok_; }

 private:
  bool need(std::size_t n) noexcept { return ok_ && (in_.size() - pos_ >= n || fail()); }
  bool fail() noexcept { return ok_ = false; }

  bytes_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace gh::audit::fields
