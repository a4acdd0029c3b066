// The audit journal writer: one per gateway io thread, on the hot path.
//
// A session appends its statement's event, the thread flushes once per batch
// (one write(2) of everything appended since the last flush), and only after
// the flush succeeded is the statement forwarded. The event is then in the
// OS: it survives the gateway being killed, not the host losing power (no
// fsync; docs/audit.md). The ingester (ingester.hpp) moves journals into
// SQLite in the background.
//
// Not thread-safe, by design: each io thread owns its writer, so the hot path
// takes no lock and makes no cross-thread hop.
//
//   auto w = journal_writer::open(journal_dir_for(store_path), thread_index);
//   w->append(ev);                     // per statement: memory only
//   if (auto r = w->flush(); !r)       // per batch: one write(2)
//     refuse the batch's statements    // fail closed: never run unrecorded
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include "audit/event.hpp"
#include "audit/serialize.hpp"
#include "common/expected.hpp"

namespace gh::store {

struct journal_options {
  std::uint64_t rotate_bytes = 64ull << 20;  // start a new file past this size
  std::size_t statement_max = 1u << 20;      // statement text kept per event (limits.statement_max)
};

class journal_writer {
 public:
  // Creates `dir` (mode 0700) if needed and a new file for this thread, one
  // generation past any it finds there. Call after ingester::recover().
  static expected<journal_writer, std::error_code> open(const std::filesystem::path& dir,
                                                        unsigned thread_index,
                                                        journal_options options = {});

  journal_writer(journal_writer&& o) noexcept;
  journal_writer& operator=(journal_writer&& o) noexcept;
  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;
  // Closes the file. Events appended and not flushed are dropped: nothing
  // may have been forwarded on their account.
  ~journal_writer();

  // Serialises `ev` into the pending batch: no I/O, no allocation once the
  // buffer has grown to a batch's size. too_large: refuse the statement.
  expected<void, audit::encode_error> append(const audit::event& ev);

  // Writes the pending batch with one write(2) (more only if the kernel takes
  // part of it), after starting a new file if this one passed rotate_bytes.
  // On error (ENOSPC, EIO, EDQUOT, EFBIG...) the batch is dropped and the file
  // cut back to its last whole batch: the caller refuses those statements.
  // Empty batch: nothing to do, success.
  expected<void, std::error_code> flush();

  std::size_t pending_events() const noexcept { return pending_events_; }
  std::size_t pending_bytes() const noexcept { return buffer_.size(); }
  // The file being appended to, and its size (whole batches only).
  const std::filesystem::path& file() const noexcept { return path_; }
  std::uint64_t file_bytes() const noexcept { return file_bytes_; }
  unsigned thread_index() const noexcept { return thread_; }
  // The open file descriptor, -1 between a failed flush and the next file.
  int native_handle() const noexcept { return fd_; }

 private:
  journal_writer(std::filesystem::path dir, unsigned thread, journal_options options) noexcept;
  expected<void, std::error_code> open_next();
  void close_file() noexcept;
  void drop_batch() noexcept;

  std::filesystem::path dir_;
  std::filesystem::path path_;
  unsigned thread_ = 0;
  journal_options options_;
  int fd_ = -1;
  std::uint64_t generation_ = 0;
  std::uint64_t file_bytes_ = 0;
  std::string buffer_;
  std::size_t pending_events_ = 0;
};

}  // namespace gh::store
