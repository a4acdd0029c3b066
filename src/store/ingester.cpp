// The ingester's lifecycle: the lock, the thread, waking and stopping.
// The passes themselves are in ingest_pass.cpp.
#include "store/ingester.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace gh::store {
namespace {

// Niced, the thread gets a smaller share of a busy CPU than the io threads
// and the database (at nice 5, a third of a nice-0 thread's) and all of an
// idle one; SCHED_BATCH keeps its wakeups from preempting them. CFS gives
// every thread its share: slowed, never stopped. Both are the calling
// thread's alone (Linux schedules threads).
void lower_priority(int nice) {
  if (nice > 0) {
    sched_param param{};
    if (::sched_setscheduler(0, SCHED_BATCH, &param) != 0)
      spdlog::warn("audit ingester: cannot run as SCHED_BATCH: {}", std::strerror(errno));
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice) != 0)
      spdlog::warn("audit ingester: cannot set nice {}: {}", nice, std::strerror(errno));
  }
  ::pthread_setname_np(::pthread_self(), "gh-ingest");  // for top -H, ps -L
}

}  // namespace

expected<std::unique_ptr<ingester>, std::string> ingester::open(
    const std::string& sqlite_path, const std::filesystem::path& journal_dir,
    ingester_options options) {
  if (::mkdir(journal_dir.c_str(), 0700) != 0 && errno != EEXIST)
    return unexpected("cannot create " + journal_dir.string() + ": " + std::strerror(errno));
  std::filesystem::path lock_path = journal_dir / "ingester.lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0)
    return unexpected("cannot open " + lock_path.string() + ": " + std::strerror(errno));
  // flock is released by the kernel when the process dies, kill -9 included.
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(lock_fd);
    if (e == EWOULDBLOCK)
      return unexpected("another gateway is already recording into " + journal_dir.string());
    return unexpected("cannot lock " + lock_path.string() + ": " + std::strerror(e));
  }
  auto store = sqlite_store::open(sqlite_path, open_mode::read_write);
  if (!store) {
    ::close(lock_fd);
    return unexpected(store.error());
  }
  std::unique_ptr<ingester> ing(
      new ingester(std::move(*store), journal_dir, lock_fd, options));
  auto head = ing->store_.read_head();
  if (!head) return unexpected(head.error());
  if (!*head) return unexpected(sqlite_path + ": the audit chain head is missing; run `gatehouse audit verify`");
  ing->head_ = **head;
  ing->head_copy_ = ing->head_;
  auto offsets = ing->store_.read_offsets();
  if (!offsets) return unexpected(offsets.error());
  ing->offsets_ = std::move(*offsets);
  if (auto r = ing->forget_vanished_files(); !r) return unexpected(r.error());
  return ing;
}

ingester::ingester(sqlite_store store, std::filesystem::path dir, int lock_fd, ingester_options o)
    : store_(std::move(store)), dir_(std::move(dir)), lock_fd_(lock_fd), options_(o) {
  if (options_.batch_max == 0) options_.batch_max = 1;
}

ingester::~ingester() {
  stop_thread();
  for (auto& [name, f] : files_)
    if (f.fd >= 0) ::close(f.fd);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

expected<std::uint64_t, std::string> ingester::recover() {
  std::lock_guard lock(pass_mutex_);
  return pass(true, SIZE_MAX);
}

expected<std::uint64_t, std::string> ingester::ingest_once(std::size_t max_events) {
  std::lock_guard lock(pass_mutex_);
  return pass(false, max_events);
}

void ingester::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(wake_mutex_);
    stop_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void ingester::poke() noexcept {
  // Only the first poke after a pass notifies; the rest are free. A poke that
  // races the thread going to sleep costs at most one interval.
  if (!poked_.exchange(true, std::memory_order_acq_rel)) wake_.notify_one();
}

void ingester::stop_thread() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(wake_mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

expected<std::uint64_t, std::string> ingester::flush_and_stop() {
  stop_thread();
  std::lock_guard lock(pass_mutex_);
  return pass(false, SIZE_MAX);
}

void ingester::run() {
  lower_priority(options_.nice);
  std::unique_lock lock(wake_mutex_);
  auto sleep = options_.interval;
  while (!stop_) {
    wake_.wait_for(lock, sleep, [this] { return stop_ || poked_.load(std::memory_order_acquire); });
    if (stop_) break;
    poked_.store(false, std::memory_order_release);
    lock.unlock();
    bool stored = true;
    {
      std::lock_guard pass_lock(pass_mutex_);
      auto r = pass(false, SIZE_MAX);  // failures are counted and logged by pass()
      stored = !r || *r > 0;           // after a failure, retry at the normal pace
    }
    sleep = stored ? options_.interval
                   : std::min(std::max(sleep * 2, options_.interval), std::max(options_.idle_interval, options_.interval));
    lock.lock();
  }
}

ingester_stats ingester::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

audit::chain_head ingester::head() const {
  std::lock_guard lock(stats_mutex_);
  return head_copy_;
}

void ingester::failed(const std::string& error) {
  spdlog::error("audit ingester: {}", error);
  std::lock_guard lock(stats_mutex_);
  ++stats_.failures;
  stats_.last_error = error;
}

}  // namespace gh::store
