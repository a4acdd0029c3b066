// A local HTTP receiver for the webhook and client tests: answers each
// request with the next status of a script (then 200) and keeps what came.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/net.hpp"
#include "http/message.hpp"

namespace gh::http::testing {

class receiver {
 public:
  explicit receiver(std::deque<unsigned> script = {}) : script_(std::move(script)) {
    acceptor_.open(net::tcp::v4());
    acceptor_.set_option(net::tcp::acceptor::reuse_address(true));
    acceptor_.bind({net::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this] { run(); });
  }
  ~receiver() {
    stopping_ = true;
    net::error_code ec;
    // Wake the blocking accept with a connection of our own.
    net::tcp::socket s(io_);
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }

  std::string url(std::string path = "/hook/T0KEN?secret=s3cret") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }

  // Waits until `n` requests came (or 10 s passed); what they were.
  std::vector<request> wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return seen_.size() >= n; });
    return seen_;
  }

 private:
  void run() {
    while (!stopping_) {
      net::error_code ec;
      net::tcp::socket s(io_);
      acceptor_.accept(s, ec);
      if (ec || stopping_) return;
      boost::beast::flat_buffer buf;
      request req;
      bhttp::read(s, buf, req, ec);
      if (ec) continue;
      unsigned code = 200;
      {
        std::lock_guard lock(mutex_);
        if (!script_.empty()) {
          code = script_.front();
          script_.pop_front();
        }
        seen_.push_back(req);
      }
      cv_.notify_all();
      response res{static_cast<status>(code), 11};
      res.body() = "{}";
      res.keep_alive(false);
      res.prepare_payload();
      bhttp::write(s, res, ec);
    }
  }

  net::asio::io_context io_;
  net::tcp::acceptor acceptor_{io_};
  std::deque<unsigned> script_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<request> seen_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace gh::http::testing
