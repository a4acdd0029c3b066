// Who is connected and which sessions wait for a data connection: the state
// the hub's listener, its control connections and the sessions share.
// Internal to src/connector. Thread-safe; one mutex, held briefly.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "connector/hub.hpp"
#include "gateway/net.hpp"

namespace gh::connector {

class control_link;

// A session waiting for its data connection. The listener claims it by the
// session id the data connection's preamble names (once: a second claim
// finds nothing), and hands over the socket by posting to `executor`.
struct pending_open {
  explicit pending_open(net::asio::any_io_executor ex) : executor(ex), wake(ex) {}
  std::string session_id;
  std::string nonce;
  std::weak_ptr<control_link> link;   // where the open went
  net::asio::any_io_executor executor;
  // Touched on `executor` only:
  net::asio::steady_timer wake;
  std::optional<net::tcp::socket> socket;
  std::optional<open_failure> failure;
  bool retry = false;    // the connector was lost before it answered: another may
  bool done = false;     // the session stopped waiting; late deliveries are dropped
};

// Any thread. The descriptor was released by the listener's io_context; it
// is adopted by the session's, or closed when the session stopped waiting.
void deliver_socket(std::shared_ptr<pending_open> p, int fd, net::tcp protocol);
void deliver_failure(std::shared_ptr<pending_open> p, open_failure f, bool retry);

class registry {
 public:
  explicit registry(std::vector<config::connector_entry> allowed);

  // True when `token` is the token of a connector named `name`. Every entry
  // is compared in constant time, so timing says nothing about which failed.
  bool admits(std::string_view name, std::string_view token) const;

  void add(const std::shared_ptr<control_link>& link);
  // Removes the link and fails the opens that went to it (retryable).
  void remove(const control_link* link);
  // The next live link of that name, round robin, and `p` registered as
  // waiting on it — in one step, so that a link lost meanwhile either fails
  // `p` (remove) or was never picked. Null, and nothing registered, if none.
  std::shared_ptr<control_link> pick(std::string_view name, const std::shared_ptr<pending_open>& p);
  std::size_t live(std::string_view name) const;
  std::vector<std::shared_ptr<control_link>> links() const;

  void expect(const std::shared_ptr<pending_open>& p);  // registered without a link (tests)
  std::shared_ptr<pending_open> claim(const std::string& session_id);
  void forget(const std::string& session_id);

 private:
  struct allowed_entry {
    std::string name;
    std::string digest;   // 32 raw bytes of sha256(token)
  };
  mutable std::mutex mu_;
  std::vector<allowed_entry> allowed_;
  // Weak: links and waiting sessions are owned by their coroutines, which
  // the io_contexts destroy; nothing here outlives them.
  std::vector<std::weak_ptr<control_link>> links_;
  std::unordered_map<std::string, std::weak_ptr<pending_open>> pending_;
  std::size_t next_ = 0;
};

}  // namespace gh::connector
