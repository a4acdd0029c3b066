// The audit journal writer: one per gateway io thread, on the hot path.
//
// A session appends its statement's event, the thread flushes once per batch,
// and only after the flush succeeded is the statement forwarded. A flush
// copies the batch into the file through a shared mapping and then publishes
// the file's new end (journal_files.hpp): a store into a MAP_SHARED mapping
// is in the page cache at once, so the event survives the gateway being
// killed, not the host losing power (no fsync; docs/audit.md). No system call
// per flush: disk space is reserved ahead, a step at a time, by writing
// zeros, which also puts the pages in the page cache. The ingester
// (ingester.hpp) moves journals into SQLite in the background.
//
// A full disk, a quota or a file-size limit shows when space is reserved, as
// an error from flush(): the caller refuses the batch's statements. The
// mapping is never written beyond the reserved space, so it never faults for
// want of a block (SIGBUS). (A copy-on-write filesystem, btrfs or ZFS, needs
// new blocks for every rewrite: there a full disk can still fault, and the
// gateway dies before forwarding. No statement runs unrecorded either way.)
//
// Not thread-safe, by design: each io thread owns its writer, so the hot path
// takes no lock and makes no cross-thread hop.
//
//   auto w = journal_writer::open(journal_dir_for(store_path), thread_index);
//   w->append(ev);                     // per statement: memory only
//   if (auto r = w->flush(); !r)       // per batch: a copy and an atomic store
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
  std::uint64_t rotate_bytes = 64ull << 20;   // start a new file past this size
  std::size_t statement_max = 1u << 20;       // statement text kept per event (limits.statement_max)
  std::uint64_t reserve_bytes = 1ull << 20;   // disk space reserved at a time, ahead of the copies
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
  // Closes the file, giving back the space reserved past its end. Events
  // appended and not flushed are dropped: nothing may have been forwarded on
  // their account.
  ~journal_writer();

  // Serialises `ev` into the pending batch: no I/O, no allocation once the
  // buffer has grown to a batch's size. too_large: refuse the statement.
  expected<void, audit::encode_error> append(const audit::event& ev);

  // Makes the pending batch durable to the OS: starts a new file if this one
  // passed rotate_bytes, reserves space when the batch does not fit in what
  // is reserved, copies the batch in and publishes the new end. On error
  // (ENOSPC, EDQUOT, EFBIG, ENOMEM...) the batch is dropped and nothing of it
  // is published: the caller refuses those statements. Empty batch: nothing
  // to do, success.
  expected<void, std::error_code> flush();

  std::size_t pending_events() const noexcept { return pending_events_; }
  std::size_t pending_bytes() const noexcept { return buffer_.size(); }
  // The file being appended to, and its published end (header and whole
  // batches: the offset the ingester reaches once it has stored them all).
  const std::filesystem::path& file() const noexcept { return path_; }
  std::uint64_t file_bytes() const noexcept { return end_; }
  unsigned thread_index() const noexcept { return thread_; }

 private:
  journal_writer(std::filesystem::path dir, unsigned thread, journal_options options) noexcept;
  void take(journal_writer& o) noexcept;
  expected<void, std::error_code> open_next();
  expected<void, std::error_code> reserve(std::uint64_t end);
  expected<void, std::error_code> copy_in();
  expected<void, std::error_code> map_window(std::uint64_t at);
  void publish(std::uint64_t end) noexcept;
  void close_file() noexcept;
  void drop_batch() noexcept;

  std::filesystem::path dir_;
  std::filesystem::path path_;
  unsigned thread_ = 0;
  journal_options options_;
  int fd_ = -1;
  std::uint64_t generation_ = 0;
  std::uint64_t end_ = 0;         // published
  std::uint64_t reserved_ = 0;    // the file's size: space allocated for it
  std::uint8_t* header_ = nullptr;  // the first page, mapped
  std::uint8_t* window_ = nullptr;  // window_bytes of the file from window_at_, mapped
  std::uint64_t window_at_ = 0;
  std::string buffer_;
  std::size_t pending_events_ = 0;
};

}  // namespace gh::store
