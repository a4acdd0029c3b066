// What the review board and the grant book tell the rest of the gateway when
// something changes: the audit record (every change is an audit event) and
// the notification (the webhook). Passed in, so that the tests capture them
// and the board and the book need neither a journal nor a socket.
#pragma once

#include <functional>
#include <string_view>

#include "audit/event.hpp"
#include "common/clock.hpp"
#include "gateway/grant_book.hpp"
#include "gateway/review_board.hpp"

namespace gh::gateway {

struct change_hooks {
  // Records the event durably (to the OS at least) before returning; false
  // when it could not. Thread-safe. The change is then undone (fail closed):
  // nothing is decided or granted without its record.
  std::function<bool(const audit::event&)> audit;
  // A review opened or ended (its state says which). Must not block.
  std::function<void(const review_record&)> review_changed;
  // A grant started ("started"), was revoked ("revoked") or ran out
  // ("expired"). Must not block.
  std::function<void(const grant_record&, std::string_view what)> grant_changed;
};

// The clock, passed in so that tests decide what time it is.
using clock_fn = std::function<sys_time()>;

}  // namespace gh::gateway
