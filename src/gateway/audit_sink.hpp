// Where a worker's sessions record events: appended in memory, made durable
// to the OS by flush() before the statement they describe is forwarded.
// One per worker (not thread-safe by design).
#pragma once

#include <string>

#include "audit/event.hpp"

namespace gh::gateway {

class audit_sink {
 public:
  virtual ~audit_sink() = default;
  virtual void append(const audit::event& e) = 0;
  // Writes everything appended so far to the OS. On false nothing appended
  // since the last successful flush may be assumed recorded: refuse.
  virtual bool flush() = 0;
  virtual bool dirty() const = 0;
  // Why the last flush failed, for the log and the client.
  virtual std::string last_error() const = 0;
};

}  // namespace gh::gateway
