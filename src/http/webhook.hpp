// notify.webhook: review and grant events POSTed as JSON to one URL, from a
// thread of its own. post() never blocks and never fails the caller: events
// wait in a bounded queue (dropped, with a log line, when it is full), each
// is tried a few times with exponential backoff, then given up on. A dead
// webhook costs the gateway nothing but log lines.
//
// The URL is a secret (chat webhooks carry their credential in the path):
// logs name its scheme, host and port only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "common/expected.hpp"
#include "http/client.hpp"

namespace gh::http {

struct webhook_options {
  std::size_t queue_max = 1000;
  int attempts = 4;                              // tries per event
  std::chrono::milliseconds first_backoff{500};  // doubled after each failure
  std::chrono::milliseconds timeout{5000};       // per try
  std::string ca_file;                           // for https, else the system's trust store
};

struct webhook_stats {
  std::uint64_t sent = 0, failed = 0, dropped = 0;
};

class webhook {
 public:
  // Starts the thread. The error says what is wrong with the URL, without it.
  static expected<std::unique_ptr<webhook>, std::string> start(const std::string& url,
                                                               webhook_options options = {});
  // close(), then destruction.
  ~webhook();
  webhook(const webhook&) = delete;
  webhook& operator=(const webhook&) = delete;

  // Queues an event; dropped (logged) when the queue is full or after close().
  void post(std::string json);
  // Stops after the try in flight; what is still queued is dropped (logged).
  void close();
  webhook_stats stats() const noexcept;
  const std::string& origin() const noexcept { return url_origin_; }

 private:
  webhook(url_parts url, webhook_options options);
  void run();
  bool deliver(const std::string& json);
  // Sleeps `d` unless stopping; false when stopping.
  bool pause(std::chrono::milliseconds d);

  url_parts url_;
  std::string url_origin_;
  webhook_options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;  // under mutex_
  bool stop_ = false;              // under mutex_
  std::atomic<std::uint64_t> sent_{0}, failed_{0}, dropped_{0};
  std::thread thread_;
};

}  // namespace gh::http
