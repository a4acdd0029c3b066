#include "store/journal.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "store/journal_files.hpp"

namespace gh::store {
namespace {

std::error_code last_errno() { return {errno, std::generic_category()}; }
std::error_code error_from(int e) { return {e, std::generic_category()}; }

// A batch buffer that grew for a huge statement is given back, so that a
// thread does not keep tens of MiB for one past event.
constexpr std::size_t buffer_keep = 4u << 20;
constexpr std::size_t buffer_start = 64u << 10;

// The part of the file mapped at a time: a page table's worth of work to map,
// and what the process's RSS counts of the journal.
constexpr std::uint64_t window_bytes = 1u << 20;

std::uint64_t page_size() { return static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)); }

// Writes zeros to [at, at + len): the filesystem reserves (or allocates) the
// blocks and fills the page cache, so that the copy through the mapping
// later takes only a minor fault per page. (fallocate's unwritten extents
// cost three times as much per page on ext4 once faulted in, and not every
// filesystem has them.) Returns how far it got, and the error that stopped
// it: a limit is reached by a short write, then an error.
std::uint64_t write_zeros(int fd, std::uint64_t at, std::uint64_t len, int& error) {
  static const char zeros[64 * 1024] = {};
  std::uint64_t done = 0;
  error = 0;
  while (done < len) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(len - done, sizeof zeros));
    ssize_t w = ::pwrite(fd, zeros, n, static_cast<off_t>(at + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error = w < 0 ? errno : EIO;
      break;
    }
    done += static_cast<std::uint64_t>(w);
  }
  return done;
}

}  // namespace

journal_writer::journal_writer(std::filesystem::path dir, unsigned thread,
                               journal_options options) noexcept
    : dir_(std::move(dir)), thread_(thread), options_(options) {}

void journal_writer::take(journal_writer& o) noexcept {
  dir_ = std::move(o.dir_);
  path_ = std::move(o.path_);
  thread_ = o.thread_;
  options_ = o.options_;
  fd_ = std::exchange(o.fd_, -1);
  generation_ = o.generation_;
  end_ = o.end_;
  reserved_ = o.reserved_;
  header_ = std::exchange(o.header_, nullptr);
  window_ = std::exchange(o.window_, nullptr);
  window_at_ = o.window_at_;
  buffer_ = std::move(o.buffer_);
  pending_events_ = std::exchange(o.pending_events_, 0);
}

journal_writer::journal_writer(journal_writer&& o) noexcept { take(o); }

journal_writer& journal_writer::operator=(journal_writer&& o) noexcept {
  if (this != &o) {
    close_file();
    take(o);
  }
  return *this;
}

journal_writer::~journal_writer() { close_file(); }

expected<journal_writer, std::error_code> journal_writer::open(const std::filesystem::path& dir,
                                                               unsigned thread_index,
                                                               journal_options options) {
  if (thread_index > journal_thread_max)
    return unexpected(std::make_error_code(std::errc::invalid_argument));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return unexpected(last_errno());
  auto existing = list_journals(dir);
  if (!existing) return unexpected(existing.error());
  journal_writer w(dir, thread_index, options);
  for (const auto& f : *existing)
    if (f.thread == thread_index && f.generation > w.generation_) w.generation_ = f.generation;
  w.buffer_.reserve(buffer_start);
  if (auto r = w.open_next(); !r) return unexpected(r.error());
  return w;
}

// The next generation's file, created exclusively (a name is never reused
// while a file of that name exists, so no journal is ever written twice),
// with its header: the magic and an end just past it.
expected<void, std::error_code> journal_writer::open_next() {
  close_file();
  for (int attempt = 0; attempt < 1000; ++attempt) {
    ++generation_;
    std::filesystem::path p = dir_ / journal_file_name(thread_, generation_);
    int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) return unexpected(last_errno());
    char header[journal_header_size] = {};
    std::memcpy(header, journal_magic.data(), journal_magic.size());
    std::uint64_t end = journal_header_size;
    std::memcpy(header + journal_end_at, &end, sizeof end);
    std::size_t done = 0;
    errno = 0;
    while (done < sizeof header) {  // the kernel may take part (a limit): the rest then says why
      ssize_t n = ::pwrite(fd, header + done, sizeof header - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    void* m = MAP_FAILED;
    std::error_code ec;
    if (done < sizeof header) {
      ec = errno ? last_errno() : std::make_error_code(std::errc::io_error);
    } else {
      m = ::mmap(nullptr, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (m == MAP_FAILED) ec = last_errno();
    }
    if (ec) {
      // It holds no event: gone, so that a full disk does not leave a new
      // empty file behind at every attempt.
      ::close(fd);
      ::unlink(p.c_str());
      return unexpected(ec);
    }
    fd_ = fd;
    path_ = std::move(p);
    header_ = static_cast<std::uint8_t*>(m);
    end_ = reserved_ = journal_header_size;
    return {};
  }
  return unexpected(std::make_error_code(std::errc::file_exists));
}

// Gives back what was reserved past the end (an ingester reading the file
// only reads below the end), unmaps and closes.
void journal_writer::close_file() noexcept {
  if (window_) ::munmap(window_, window_bytes);
  if (header_) ::munmap(header_, page_size());
  window_ = header_ = nullptr;
  if (fd_ >= 0) {
    if (reserved_ > end_) (void)::ftruncate(fd_, static_cast<off_t>(end_));
    ::close(fd_);
  }
  fd_ = -1;
}

void journal_writer::drop_batch() noexcept {
  buffer_.clear();
  pending_events_ = 0;
  if (buffer_.capacity() > buffer_keep) {
    std::string fresh;
    buffer_.swap(fresh);
  }
}

expected<void, audit::encode_error> journal_writer::append(const audit::event& ev) {
  auto r = audit::append_record(buffer_, ev, options_.statement_max);
  if (r) ++pending_events_;
  return r;
}

expected<void, std::error_code> journal_writer::flush() {
  if (buffer_.empty()) return {};
  expected<void, std::error_code> r;
  if (fd_ < 0 || end_ >= options_.rotate_bytes) r = open_next();
  const std::uint64_t end = end_ + buffer_.size();
  if (r) r = reserve(end);
  if (r) r = copy_in();
  if (r) publish(end);
  drop_batch();
  return r;
}

// Makes the file at least `end` bytes long with its blocks reserved, a step
// of reserve_bytes at a time (not past rotate_bytes, where the next file
// starts). What a limit leaves (a quota, a file-size limit, a nearly full
// disk) is used up to the byte; a batch that does not fit is refused.
expected<void, std::error_code> journal_writer::reserve(std::uint64_t end) {
  if (end <= reserved_) return {};
  std::uint64_t want = std::max(end, std::min(reserved_ + options_.reserve_bytes, options_.rotate_bytes));
  int e = 0;
  reserved_ += write_zeros(fd_, reserved_, want - reserved_, e);
  if (reserved_ < end) return unexpected(error_from(e ? e : EIO));
  return {};
}

// Copies the batch to [end_, end_ + size), a window at a time. Only reserved
// bytes are touched (reserve() came first).
expected<void, std::error_code> journal_writer::copy_in() {
  const char* from = buffer_.data();
  std::size_t left = buffer_.size();
  std::uint64_t at = end_;
  while (left > 0) {
    const std::uint64_t base = at - at % window_bytes;
    if (!window_ || window_at_ != base)
      if (auto r = map_window(base); !r) return r;
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, base + window_bytes - at));
    std::memcpy(window_ + (at - base), from, n);
    from += n;
    left -= n;
    at += n;
  }
  return {};
}

expected<void, std::error_code> journal_writer::map_window(std::uint64_t at) {
  if (window_) ::munmap(window_, window_bytes);
  window_ = nullptr;
  // Mapping past the end of the file is allowed; touching it is not, and
  // copy_in() never does.
  void* m = ::mmap(nullptr, window_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, static_cast<off_t>(at));
  if (m == MAP_FAILED) return unexpected(last_errno());
  window_ = static_cast<std::uint8_t*>(m);
  window_at_ = at;
  return {};
}

void journal_writer::publish(std::uint64_t end) noexcept {
  // Release: the batch's bytes are visible to whoever sees the new end.
  auto* at = reinterpret_cast<std::uint64_t*>(header_ + journal_end_at);
  std::atomic_ref<std::uint64_t>(*at).store(end, std::memory_order_release);
  end_ = end;
}

}  // namespace gh::store
