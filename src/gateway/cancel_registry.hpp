// Maps the BackendKeyData the gateway gave each client to the upstream
// backend behind it, so that a CancelRequest reaches the right backend and
// only that one. Shared by every io thread; touched at session start and end
// and on cancel only, never per statement.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/random.hpp"

namespace gh::gateway {

struct backend_key {
  std::int32_t pid = 0;
  std::int32_t secret = 0;
};

// Where a cancel for one session must go. `send` opens its own connection to
// the upstream (directly or through a connector) and delivers the upstream key.
struct cancel_target {
  std::string host;
  std::uint16_t port = 0;
  backend_key upstream;
  std::string connector;   // non-empty: reach the database through this connector
  std::string session;     // for the log
  // Tells the session a cancel arrived (it may be holding a statement for
  // review, which no upstream cancel can reach). Callable from any thread.
  std::function<void()> interrupt;
  // Set for a session behind a connector: asks that connector, over its
  // control connection, to send the CancelRequest to the database (the
  // gateway has no route to it). Callable from any thread.
  std::function<void()> forward;
};

class cancel_registry {
 public:
  explicit cancel_registry(random_source rng) : rng_(std::move(rng)) {}

  // A fresh client-facing key for a session; unique among live sessions.
  backend_key issue(cancel_target target);
  void release(const backend_key& key);
  // The target whose key matches both pid and secret (compared without
  // timing leaks); nullopt otherwise.
  std::optional<cancel_target> find(const backend_key& key) const;
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  random_source rng_;
  std::unordered_map<std::int32_t, std::pair<std::int32_t, cancel_target>> by_pid_;
};

}  // namespace gh::gateway
