// Where journals live and what they are called. Each gateway io thread
// appends to its own file; a file is never reopened for writing once its
// writer has moved on, so "a later generation exists for this thread" means
// "this file is finished".
//
//   <store path>.journal/                    next to the SQLite file
//     t0003-g0000000012.journal              thread 3, generation 12
//     ingester.lock                          held by the one running ingester
//
// A journal file (format 2, journal.hpp writes it through a shared mapping):
//   offset 0    magic "gatehouse-jnl-2\n" (16 bytes; read as a format-1
//               record length it is impossible, so the formats never mix up)
//   offset 16   end: u64 in host byte order, the offset just past the last
//               whole batch. The writer stores it atomically (release) once
//               the batch's bytes are in place, so a reader that loads it
//               (acquire) finds only whole records below it.
//   offset 64   records (audit/serialize.hpp), then space reserved for more
//               (zeros, or the start of a batch that was never published)
// A file without the magic is format 1, written by earlier versions: records
// from offset 0 to the end of the file. Both are read; only 2 is written.
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

inline constexpr std::string_view journal_magic = "gatehouse-jnl-2\n";
inline constexpr std::uint64_t journal_end_at = 16;
inline constexpr std::uint64_t journal_header_size = 64;

// Where a journal's records are: [begin, end).
struct journal_extent {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

// A reader's view of one journal's header, mapped read-only so that `end`
// is read with one atomic load (a read(2) of it could see a torn value).
// Keep it while the file is open: each extent() is then one load and an
// fstat, with no mapping made per call.
class journal_header_view {
 public:
  journal_header_view() = default;
  // Maps `fd`'s header if it has one. A format-1 file (or one too short to
  // tell yet, which only a format-2 writer's file being created can be)
  // gets an empty view.
  static expected<journal_header_view, std::error_code> open(int fd);
  journal_header_view(journal_header_view&& o) noexcept;
  journal_header_view& operator=(journal_header_view&& o) noexcept;
  journal_header_view(const journal_header_view&) = delete;
  journal_header_view& operator=(const journal_header_view&) = delete;
  ~journal_header_view();

  // True once the header is mapped; an empty view is worth opening again
  // while its file is open (it may have been caught before its header).
  bool mapped() const noexcept { return map_ != nullptr; }

  // The records of the file `fd` (the one open() mapped). A published end
  // beyond the file (cut outside Gatehouse) is clamped to its size.
  expected<journal_extent, std::error_code> extent(int fd) const;

 private:
  const std::uint8_t* map_ = nullptr;  // the first page; null for format 1
  bool short_ = false;                 // a format-2 file whose header is still being written
};

// journal_header_view::open(fd), then extent(fd): for a one-off look.
expected<journal_extent, std::error_code> read_journal_extent(int fd);

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
