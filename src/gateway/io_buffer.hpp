// A byte buffer for one direction of a session: read into the free tail,
// frame from the front, forward whole runs without copying. It grows only as
// bytes actually arrive (doubling, up to a hard limit), never to a length a
// peer merely claims.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

#include "common/bytes.hpp"

namespace gh::gateway {

class io_buffer {
 public:
  explicit io_buffer(std::size_t initial) : data_(new std::uint8_t[initial]), cap_(initial) {}

  bytes_view readable() const noexcept { return {data_.get() + begin_, end_ - begin_}; }
  std::uint8_t* write_ptr() noexcept { return data_.get() + end_; }
  std::size_t write_space() const noexcept { return cap_ - end_; }
  std::size_t capacity() const noexcept { return cap_; }
  std::size_t size() const noexcept { return end_ - begin_; }
  const std::uint8_t* data() const noexcept { return data_.get() + begin_; }

  void commit(std::size_t n) noexcept { end_ += n; }
  void consume(std::size_t n) noexcept {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }

  // Makes room to read more: moves the unread bytes to the front, and when
  // the buffer is full of one unfinished message, doubles it up to `limit`.
  // False when the message would need more than `limit`.
  bool make_room(std::size_t limit) {
    if (begin_ > 0 && write_space() < cap_ / 4) {
      std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (write_space() > 0) return true;
    if (cap_ >= limit) return false;
    std::size_t next = cap_ * 2 < limit ? cap_ * 2 : limit;
    std::unique_ptr<std::uint8_t[]> bigger(new std::uint8_t[next]);
    std::memcpy(bigger.get(), data_.get(), end_);
    data_ = std::move(bigger);
    cap_ = next;
    return true;
  }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t cap_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace gh::gateway
