// One ingester pass: read the whole records past each journal's committed
// offset, store them with the chain in one transaction per batch, delete the
// journals that are finished and fully stored.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "store/ingester.hpp"

namespace gh::store {
namespace {

std::string errno_text(const std::string& what, int e) { return what + ": " + std::strerror(e); }

}  // namespace

expected<std::uint64_t, std::string> ingester::pass(bool all_finished, std::size_t max_events) {
  auto files = list_journals(dir_);
  if (!files) {
    failed("cannot list " + dir_.string() + ": " + files.error().message());
    return unexpected(files.error().message());
  }
  std::uint64_t total = 0;
  std::set<std::string> seen;
  pass_oldest_.reset();
  for (const auto& f : *files) {
    seen.insert(f.name);
    if (total >= max_events) continue;
    auto r = ingest_file(f, all_finished || f.finished, max_events - total);
    if (!r) {
      failed(r.error());
      return r;
    }
    total += *r;
  }
  // Close what vanished from the directory (deleted by hand, or by us).
  for (auto it = files_.begin(); it != files_.end();) {
    if (seen.count(it->first)) { ++it; continue; }
    if (it->second.fd >= 0) ::close(it->second.fd);
    it = files_.erase(it);
  }
  if (!all_finished) measure_lag();  // recover() stores an earlier run's events: not lag
  std::lock_guard lock(stats_mutex_);
  stats_.last_error.clear();
  return total;
}

// Lag is what the lower priority trades: say so when it grows past what a
// pass every `interval` explains, and again once caught up.
void ingester::measure_lag() {
  if (!pass_oldest_) return;
  auto lag = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now() - *pass_oldest_);
  constexpr auto warn_at = std::chrono::seconds(10);
  if (lag >= warn_at && !lag_warned_)
    spdlog::warn("audit ingester is {} s behind: the journals hold what it has not stored yet",
                 std::chrono::duration_cast<std::chrono::seconds>(lag).count());
  else if (lag < warn_at / 10 && lag_warned_)
    spdlog::info("audit ingester caught up");
  lag_warned_ = lag >= warn_at || (lag_warned_ && lag >= warn_at / 10);
  std::lock_guard lock(stats_mutex_);
  stats_.lag = lag;
}

expected<std::uint64_t, std::string> ingester::ingest_file(const journal_file& f, bool finished,
                                                           std::size_t budget) {
  batch_size_ = 0;
  open_journal& j = files_[f.name];
  if (j.fd < 0) {
    j.fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (j.fd < 0 && errno == ENOENT) return 0;  // deleted between listing and opening
    if (j.fd < 0) return unexpected(errno_text("cannot open " + f.path.string(), errno));
  }
  if (!j.header.mapped()) {
    auto h = journal_header_view::open(j.fd);
    if (!h) return unexpected("cannot read the header of " + f.path.string() + ": " + h.error().message());
    j.header = std::move(*h);
  }
  auto extent = j.header.extent(j.fd);
  if (!extent) return unexpected("cannot stat " + f.path.string() + ": " + extent.error().message());
  // `size`: the published end. A format-1 journal's records start at 0.
  const std::uint64_t size = extent->end;
  std::uint64_t offset = offsets_.count(f.name) ? offsets_[f.name] : extent->begin;
  if (offset > size) {
    // The file is shorter than what is already stored: cut outside Gatehouse,
    // or a host crash kept the store's commit but lost the file's last pages.
    // Nothing new to read; once finished, the file is done with.
    std::uint64_t noted = 0;
    if (!j.unreadable_noted) {
      note(f.name, "is shorter (" + std::to_string(size) + " bytes) than what was ingested (" +
                       std::to_string(offset) + " bytes): it was cut after its events were stored");
      if (auto r = commit(f.name, offset); !r) return unexpected(r.error());
      j.unreadable_noted = true;
      noted = 1;
    }
    if (finished)
      if (auto r = remove_file(f.name); !r) return unexpected(r.error());
    return noted;
  }

  std::uint64_t stored = 0;
  journal_cursor cursor(j.fd, offset, size, read_buffer_);
  for (bool more = true; more;) {
    batch_size_ = 0;
    std::uint64_t end = cursor.offset();
    std::size_t room = std::min(options_.batch_max, budget - stored);
    while (more && batch_size_ < room) more = take(cursor, f.name, finished, size, j, end);
    if (batch_size_ > 0 || end != offset) {
      stored += batch_size_;
      if (auto r = commit(f.name, end); !r) return unexpected(r.error());
      offset = end;
    }
    if (read_error_ != 0)
      return unexpected(errno_text("cannot read " + f.path.string(), std::exchange(read_error_, 0)));
    if (stored >= budget) more = false;
  }
  if (finished && offset == size) {
    if (auto r = remove_file(f.name); !r) return unexpected(r.error());
  }
  return stored;
}

// Takes the cursor's next item into the batch (an event, or a note about
// damage) and moves `end` past what may be committed as read. False when
// this file has nothing more for now.
bool ingester::take(journal_cursor& cursor, const std::string& name, bool finished,
                    std::uint64_t size, open_journal& j, std::uint64_t& end) {
  std::uint64_t at = cursor.offset();
  audit::event& slot = next_slot();
  auto item = cursor.next(slot);
  if (item == journal_cursor::item::event) {
    if (!pass_oldest_ || slot.time < *pass_oldest_) pass_oldest_ = slot.time;
    end = cursor.offset();
    return true;
  }
  --batch_size_;  // the slot holds no event
  switch (item) {
    case journal_cursor::item::damaged:
      note(name, "record at offset " + std::to_string(at) + " (" + std::to_string(cursor.detail()) +
                     " bytes) failed its checksum or did not parse: skipped");
      end = cursor.offset();
      return true;
    case journal_cursor::item::unreadable:
      if (!finished) {
        // The writer may still append, but nothing past here can be framed:
        // wait until the file is finished, then give up the rest.
        if (!j.unreadable_noted)
          spdlog::error("audit journal {}: impossible record length at offset {}", name, at);
        j.unreadable_noted = true;
        return false;
      }
      note(name, "bytes " + std::to_string(at) + " to " + std::to_string(size) +
                     " are unreadable (impossible record length): lost");
      end = size;
      return false;
    case journal_cursor::item::end:
      if (finished && cursor.tail_bytes() > 0) {
        note(name, "torn record at offset " + std::to_string(at) + " (" +
                       std::to_string(cursor.tail_bytes()) +
                       " bytes) ignored: its write never completed");
        end = size;
      }
      return false;
    case journal_cursor::item::io_error:
      read_error_ = static_cast<int>(cursor.detail());
      return false;
    case journal_cursor::item::event:
      break;
  }
  return false;
}

audit::event& ingester::next_slot() {
  if (batch_size_ == batch_.size()) batch_.emplace_back();
  return batch_[batch_size_++];
}

// Records damage in the chain itself, so that `audit search` shows it beside
// the events and `audit verify` covers the note.
void ingester::note(const std::string& file, std::string what) {
  std::string text = "audit journal " + file + ": " + what;
  spdlog::warn("{}", text);
  audit::event& ev = next_slot();
  ev = audit::event{};
  ev.kind = audit::event_kind::journal;
  ev.time = std::chrono::system_clock::now();
  ev.statement = std::move(text);
  std::lock_guard lock(stats_mutex_);
  ++stats_.damaged;
}

// The batch as rows (an outcome folded into its statement's row when it
// can be), each with its place and hash in the chain. Returns the new head.
audit::chain_head ingester::chain_rows() {
  fold_plan_.build({batch_.data(), batch_size_});
  rows_.clear();
  // Sized first: the rows keep views of these hashes.
  if (hashes_.size() < batch_size_) hashes_.resize(batch_size_);
  std::uint64_t seq = head_.seq;
  std::string_view prev = head_.hash;
  for (std::size_t i = 0; i < batch_size_; ++i) {
    if (fold_plan_.folded(i)) continue;  // stored in its statement's row
    std::size_t o = fold_plan_.outcome_of(i);
    const audit::event* outcome = o == audit::fold_plan::npos ? nullptr : &batch_[o];
    std::string& hash = hashes_[rows_.size()];
    hash = outcome ? audit::chain_hash(prev, seq + 1, batch_[i], *outcome, scratch_)
                   : audit::chain_hash(prev, seq + 1, batch_[i], scratch_);
    rows_.push_back({seq + 1, &batch_[i], outcome, prev, hash});
    seq += outcome ? 2 : 1;
    prev = hash;
  }
  return {seq, std::string(prev)};
}

expected<void, std::string> ingester::commit(const std::string& file, std::uint64_t offset) {
  if (auto r = store_.begin(); !r) return unexpected("cannot begin a transaction: " + r.error());
  audit::chain_head head = chain_rows();
  if (auto r = store_.insert_events(rows_); !r) {
    store_.rollback();
    return unexpected("cannot store " + r.error());
  }
  auto r = store_.set_offset(file, offset);
  if (r) r = store_.set_head(head);
  if (r) r = store_.commit();
  if (!r) {
    store_.rollback();
    return unexpected("cannot commit the audit batch: " + r.error());
  }
  head_ = std::move(head);
  offsets_[file] = offset;
  std::lock_guard lock(stats_mutex_);
  stats_.events += batch_size_;
  stats_.folded += fold_plan_.folded_count();
  ++stats_.batches;
  head_copy_ = head_;
  batch_size_ = 0;
  return {};
}

// Unlink first, then forget the offset: a crash in between leaves an offset
// for a file that no longer exists, which the next open() forgets. The other
// order could leave a file without its offset, to be ingested twice.
expected<void, std::string> ingester::remove_file(const std::string& name) {
  auto it = files_.find(name);
  if (it != files_.end()) {
    if (it->second.fd >= 0) ::close(it->second.fd);
    files_.erase(it);
  }
  std::filesystem::path p = dir_ / name;
  if (::unlink(p.c_str()) != 0 && errno != ENOENT)
    return unexpected(errno_text("cannot delete " + p.string(), errno));
  if (auto r = store_.delete_offset(name); !r) return unexpected(r.error());
  offsets_.erase(name);
  std::lock_guard lock(stats_mutex_);
  ++stats_.files_removed;
  return {};
}

expected<void, std::string> ingester::forget_vanished_files() {
  for (auto it = offsets_.begin(); it != offsets_.end();) {
    std::error_code ec;
    if (std::filesystem::exists(dir_ / it->first, ec) || ec) {
      ++it;
      continue;
    }
    if (auto r = store_.delete_offset(it->first); !r) return unexpected(r.error());
    it = offsets_.erase(it);
  }
  return {};
}

}  // namespace gh::store
