#include "http/webhook.hpp"

#include <spdlog/spdlog.h>

namespace gh::http {

expected<std::unique_ptr<webhook>, std::string> webhook::start(const std::string& url,
                                                               webhook_options options) {
  auto parts = parse_url(url);
  if (!parts) return unexpected("notify.webhook: " + parts.error());
  std::unique_ptr<webhook> w(new webhook(std::move(*parts), std::move(options)));
  w->thread_ = std::thread([p = w.get()] { p->run(); });
  return w;
}

webhook::webhook(url_parts url, webhook_options options)
    : url_(std::move(url)), url_origin_(url_.origin()), options_(std::move(options)) {}

webhook::~webhook() { close(); }

void webhook::close() {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  if (!queue_.empty())
    spdlog::warn("webhook {}: {} events not sent at shutdown", url_origin_, queue_.size());
  queue_.clear();
}

void webhook::post(std::string json) {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    if (queue_.size() < options_.queue_max) {
      queue_.push_back(std::move(json));
      wake_.notify_one();
      return;
    }
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("webhook {}: {} events already waiting; this one is dropped", url_origin_,
               options_.queue_max);
}

webhook_stats webhook::stats() const noexcept {
  return {sent_.load(std::memory_order_relaxed), failed_.load(std::memory_order_relaxed),
          dropped_.load(std::memory_order_relaxed)};
}

bool webhook::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, d, [&] { return stop_; });
}

void webhook::run() {
  for (;;) {
    std::string next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    if (deliver(next))
      sent_.fetch_add(1, std::memory_order_relaxed);
    else
      failed_.fetch_add(1, std::memory_order_relaxed);
  }
}

bool webhook::deliver(const std::string& json) {
  client_options o;
  o.timeout = options_.timeout;
  o.ca_file = options_.ca_file;
  o.response_max = 64 * 1024;
  auto backoff = options_.first_backoff;
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    auto r = send(url_, verb::post, "", json, "", o);
    // 2xx is delivered. 4xx other than 408/429 will not get better by
    // trying again (a revoked webhook, a payload it refuses).
    std::string why;
    if (r && r->status >= 200 && r->status < 300) return true;
    if (r) {
      why = "answered " + std::to_string(r->status);
      if (r->status >= 400 && r->status < 500 && r->status != 408 && r->status != 429) {
        spdlog::warn("webhook {}: {}; event dropped", url_origin_, why);
        return false;
      }
    } else {
      why = r.error();
    }
    if (attempt == options_.attempts) {
      spdlog::warn("webhook {}: {}; event dropped after {} tries", url_origin_, why, attempt);
      return false;
    }
    spdlog::info("webhook {}: {}; trying again in {} ms", url_origin_, why, backoff.count());
    if (!pause(backoff)) return false;
    backoff *= 2;
  }
  return false;
}

}  // namespace gh::http
