// Where journals live and what they are called. Each gateway io thread
// appends to its own file; a file is never reopened for writing once its
// writer has moved on, so "a later generation exists for this thread" means
// "this file is finished".
//
//   <store path>.journal/                    next to the SQLite file
//     t0003-g0000000012.journal              thread 3, generation 12
//     ingester.lock                          held by the one running ingester
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "audit/event.hpp"
#include "audit/serialize.hpp"
#include "common/expected.hpp"

namespace gh::store {

struct journal_file {
  std::string name;
  std::filesystem::path path;
  unsigned thread = 0;
  std::uint64_t generation = 0;
  bool finished = false;  // a later generation of the same thread exists
};

inline constexpr unsigned journal_thread_max = 99999;

// "/var/lib/gh/state.db" -> "/var/lib/gh/state.db.journal"
std::filesystem::path journal_dir_for(const std::string& sqlite_path);

std::string journal_file_name(unsigned thread, std::uint64_t generation);
std::optional<journal_file> parse_journal_file_name(std::string_view name);

// Every journal in `dir`, by (thread, generation), with `finished` set. An
// absent directory holds no journals.
expected<std::vector<journal_file>, std::error_code> list_journals(const std::filesystem::path& dir);

// Reads the records of one journal from an offset on, as far as they are
// whole. A step function over the file like audit::next_record is over bytes.
class journal_cursor {
 public:
  enum class item : std::uint8_t {
    event,       // `out` holds the next event
    damaged,     // a whole record failed its checksum or did not parse: skipped
    end,         // nothing more that is whole: clean end, or a torn / growing tail
    unreadable,  // an impossible length: nothing after it can be framed
    io_error,
  };

  // `buffer` is reused between cursors to avoid allocating per pass; `limit`
  // stops reading at that file offset (the size seen when the pass began).
  journal_cursor(int fd, std::uint64_t offset, std::uint64_t limit, std::string& buffer) noexcept
      : fd_(fd), offset_(offset), limit_(limit), buf_(buffer) {}

  item next(audit::event& out);

  // The offset just past the last event or damaged record returned.
  std::uint64_t offset() const noexcept { return offset_; }
  // Bytes between offset() and the limit that do not form a whole record.
  std::uint64_t tail_bytes() const noexcept { return limit_ - offset_; }
  // For damaged: the record's size; for io_error: errno.
  std::uint64_t detail() const noexcept { return detail_; }

 private:
  bool fill(std::size_t want);

  int fd_;
  std::uint64_t offset_;  // file offset of buf_[pos_]
  std::uint64_t limit_;
  std::string& buf_;
  std::size_t pos_ = 0, len_ = 0;  // unread bytes are buf_[pos_, len_)
  std::uint64_t detail_ = 0;
};

}  // namespace gh::store
