#include "store/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "store/journal_files.hpp"

namespace gh::store {
namespace {

std::error_code last_errno() { return {errno, std::generic_category()}; }

// A batch buffer that grew for a huge statement is given back, so that a
// thread does not keep tens of MiB for one past event.
constexpr std::size_t buffer_keep = 4u << 20;
constexpr std::size_t buffer_start = 64u << 10;

}  // namespace

journal_writer::journal_writer(std::filesystem::path dir, unsigned thread,
                               journal_options options) noexcept
    : dir_(std::move(dir)), thread_(thread), options_(options) {}

journal_writer::journal_writer(journal_writer&& o) noexcept
    : dir_(std::move(o.dir_)), path_(std::move(o.path_)), thread_(o.thread_),
      options_(o.options_), fd_(o.fd_), generation_(o.generation_), file_bytes_(o.file_bytes_),
      buffer_(std::move(o.buffer_)), pending_events_(o.pending_events_) {
  o.fd_ = -1;
  o.pending_events_ = 0;
}

journal_writer& journal_writer::operator=(journal_writer&& o) noexcept {
  if (this != &o) {
    close_file();
    dir_ = std::move(o.dir_);
    path_ = std::move(o.path_);
    thread_ = o.thread_;
    options_ = o.options_;
    fd_ = o.fd_;
    generation_ = o.generation_;
    file_bytes_ = o.file_bytes_;
    buffer_ = std::move(o.buffer_);
    pending_events_ = o.pending_events_;
    o.fd_ = -1;
    o.pending_events_ = 0;
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

// The next generation's file, created exclusively: a name is never reused
// while a file of that name exists, so no journal is ever appended to twice.
expected<void, std::error_code> journal_writer::open_next() {
  close_file();
  for (int attempt = 0; attempt < 1000; ++attempt) {
    ++generation_;
    std::filesystem::path p = dir_ / journal_file_name(thread_, generation_);
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
      fd_ = fd;
      path_ = std::move(p);
      file_bytes_ = 0;
      return {};
    }
    if (errno != EEXIST) return unexpected(last_errno());
  }
  return unexpected(std::make_error_code(std::errc::file_exists));
}

void journal_writer::close_file() noexcept {
  if (fd_ >= 0) ::close(fd_);
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
  if (fd_ < 0 || file_bytes_ >= options_.rotate_bytes) {
    if (auto r = open_next(); !r) {
      drop_batch();
      return r;
    }
  }
  const char* p = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::error_code ec = n < 0 ? last_errno() : std::make_error_code(std::errc::io_error);
      // Part of the batch may be in the file: cut it back to the last whole
      // batch so that the next one follows a record boundary. If even that
      // fails, leave this file (its torn tail is ignored by the ingester) and
      // start a new one at the next flush.
      if (left < buffer_.size() && ::ftruncate(fd_, static_cast<off_t>(file_bytes_)) != 0)
        close_file();
      drop_batch();
      return unexpected(ec);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  file_bytes_ += buffer_.size();
  drop_batch();
  return {};
}

}  // namespace gh::store
