#include "store/journal_files.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace gh::store {
namespace {

bool read_number(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

constexpr std::size_t read_chunk = 256 * 1024;

std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

std::error_code last_errno() { return {errno, std::generic_category()}; }

}  // namespace

expected<journal_header_view, std::error_code> journal_header_view::open(int fd) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return unexpected(last_errno());
  journal_header_view v;
  if (static_cast<std::uint64_t>(st.st_size) < journal_header_size) {
    // The writer creates the file, then writes the header: a file that is
    // a prefix of the magic is one caught in between. Anything else this
    // short is a format-1 journal.
    char head[journal_header_size];
    ssize_t n = ::pread(fd, head, sizeof head, 0);
    if (n < 0) return unexpected(last_errno());
    auto got = static_cast<std::size_t>(n);
    v.short_ = journal_magic.substr(0, std::min(got, journal_magic.size())) ==
               std::string_view(head, std::min(got, journal_magic.size()));
    return v;
  }
  void* m = ::mmap(nullptr, page_size(), PROT_READ, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) return unexpected(last_errno());
  auto* p = static_cast<const std::uint8_t*>(m);
  if (std::string_view(reinterpret_cast<const char*>(p), journal_magic.size()) != journal_magic) {
    ::munmap(m, page_size());
    return v;
  }
  v.map_ = p;
  return v;
}

journal_header_view::journal_header_view(journal_header_view&& o) noexcept
    : map_(std::exchange(o.map_, nullptr)), short_(o.short_) {}

journal_header_view& journal_header_view::operator=(journal_header_view&& o) noexcept {
  if (this != &o) {
    if (map_) ::munmap(const_cast<std::uint8_t*>(map_), page_size());
    map_ = std::exchange(o.map_, nullptr);
    short_ = o.short_;
  }
  return *this;
}

journal_header_view::~journal_header_view() {
  if (map_) ::munmap(const_cast<std::uint8_t*>(map_), page_size());
}

expected<journal_extent, std::error_code> journal_header_view::extent(int fd) const {
  if (short_) return journal_extent{journal_header_size, journal_header_size};
  struct stat st{};
  if (::fstat(fd, &st) != 0) return unexpected(last_errno());
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (!map_) return journal_extent{0, size};
  // The mapping is read-only: the atomic_ref only loads through it. The
  // offset is 8-aligned in a page-aligned mapping, as atomic_ref requires.
  auto* at = const_cast<std::uint64_t*>(reinterpret_cast<const std::uint64_t*>(map_ + journal_end_at));
  std::uint64_t end = std::atomic_ref<std::uint64_t>(*at).load(std::memory_order_acquire);
  end = std::clamp(end, journal_header_size, std::max(size, journal_header_size));
  return journal_extent{journal_header_size, end};
}

expected<journal_extent, std::error_code> read_journal_extent(int fd) {
  auto v = journal_header_view::open(fd);
  if (!v) return unexpected(v.error());
  return v->extent(fd);
}

std::filesystem::path journal_dir_for(const std::string& sqlite_path) {
  return std::filesystem::path(sqlite_path + ".journal");
}

std::string journal_file_name(unsigned thread, std::uint64_t generation) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "t%04u-g%010llu.journal", thread,
                static_cast<unsigned long long>(generation));
  return buf;
}

std::optional<journal_file> parse_journal_file_name(std::string_view name) {
  constexpr std::string_view suffix = ".journal";
  if (!name.starts_with('t') || !name.ends_with(suffix)) return std::nullopt;
  std::string_view core = name.substr(1, name.size() - 1 - suffix.size());
  auto dash = core.find("-g");
  std::uint64_t thread = 0, gen = 0;
  if (dash == std::string_view::npos || !read_number(core.substr(0, dash), thread) ||
      !read_number(core.substr(dash + 2), gen) || thread > journal_thread_max)
    return std::nullopt;
  // Only the canonical spelling: "t3-g1.journal" and "t0003-g01.journal" are
  // not ours, so one (thread, generation) has exactly one file name.
  if (journal_file_name(static_cast<unsigned>(thread), gen) != name) return std::nullopt;
  return journal_file{std::string(name), {}, static_cast<unsigned>(thread), gen, false};
}

expected<std::vector<journal_file>, std::error_code> list_journals(
    const std::filesystem::path& dir) {
  std::vector<journal_file> out;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return out;
  if (ec) return unexpected(ec);
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return unexpected(ec);
    auto f = parse_journal_file_name(it->path().filename().string());
    if (!f) continue;
    f->path = it->path();
    out.push_back(std::move(*f));
  }
  std::sort(out.begin(), out.end(), [](const journal_file& a, const journal_file& b) {
    return a.thread != b.thread ? a.thread < b.thread : a.generation < b.generation;
  });
  for (std::size_t i = 0; i + 1 < out.size(); ++i)
    out[i].finished = out[i].thread == out[i + 1].thread;
  return out;
}

// Makes at least `want` unread bytes available, reading up to the limit.
// False when the file (up to the limit) has fewer, or on a read error.
bool journal_cursor::fill(std::size_t want) {
  if (len_ - pos_ >= want) return true;
  // Keep the unread bytes, moved to the front of the buffer.
  std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
  len_ -= pos_;
  pos_ = 0;
  // `want` is at most record_header_size + record_max: audit::next_record
  // refused any larger claim before we got here.
  std::size_t capacity = std::max(want, read_chunk);
  if (buf_.size() < capacity) buf_.resize(capacity);
  while (len_ < want) {
    std::uint64_t file_at = offset_ + len_;
    if (file_at >= limit_) return false;
    std::size_t room = static_cast<std::size_t>(
        std::min<std::uint64_t>(buf_.size() - len_, limit_ - file_at));
    ssize_t n = ::pread(fd_, buf_.data() + len_, room, static_cast<off_t>(file_at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      detail_ = static_cast<std::uint64_t>(errno);
      return false;
    }
    if (n == 0) {
      limit_ = file_at;  // the file is shorter than it was: it got truncated
      return false;
    }
    len_ += static_cast<std::size_t>(n);
  }
  return true;
}

journal_cursor::item journal_cursor::next(audit::event& out) {
  for (;;) {
    auto avail = bytes_view(reinterpret_cast<const std::uint8_t*>(buf_.data()) + pos_, len_ - pos_);
    audit::frame f = audit::decode_record(avail, out);
    switch (f.status) {
      case audit::decode_status::complete:
      case audit::decode_status::bad_checksum:
      case audit::decode_status::malformed:
        pos_ += f.used;
        offset_ += f.used;
        detail_ = f.used;
        return f.status == audit::decode_status::complete ? item::event : item::damaged;
      case audit::decode_status::bad_length:
        return item::unreadable;
      case audit::decode_status::need_more: {
        std::size_t want = audit::record_header_size;
        if (avail.size() >= 4) want += load_be32(avail.data());  // <= record_max: checked
        detail_ = 0;
        if (!fill(want)) return detail_ != 0 ? item::io_error : item::end;
        break;
      }
    }
  }
}

}  // namespace gh::store
