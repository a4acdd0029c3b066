// Reviews: a statement (or a request for access) held until a human decides.
// Shared by every io worker and the HTTP API; thread-safe. Persisted in the
// store so that reviews survive a restart (a review whose session is gone is
// then marked orphaned and can no longer be approved).
//
// A session opens a review and waits; the board calls `notify` exactly once,
// from whichever thread ends the review (an HTTP handler, the session itself
// on timeout or cancel), and the session posts it to its own executor.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/expected.hpp"
#include "identity/principal.hpp"

namespace gh::gateway {

enum class review_kind : std::uint8_t {
  statement,  // a statement held inside a live session
  access,     // `gatehouse grant request`: approval makes a grant
};

enum class review_state : std::uint8_t {
  pending, approved, rejected, expired, cancelled, orphaned,
};
std::string_view to_string(review_state s) noexcept;
std::string_view to_string(review_kind k) noexcept;

struct review_subject {
  review_kind kind = review_kind::statement;
  std::string principal;               // who asks
  std::vector<std::string> groups;
  std::string session;                 // statement reviews: the waiting session
  std::string client;
  std::string connection;
  std::string statement;               // statement reviews: the SQL as sent
  std::string cls;                     // its class
  std::vector<std::string> tables;
  std::string rule;                    // the rule that holds it (access: the jit rule asked for)
  std::vector<std::string> reviewers;  // from the rule: names and "group:<g>"
  std::chrono::seconds duration{0};    // access: how long the grant would last
  std::string reason;                  // access: why the agent asks
};

struct review_record {
  std::string id;                      // "r-" + 12 hex digits
  review_subject subject;
  review_state state = review_state::pending;
  std::string decided_by;              // reviewer principal, or "gatehouse" for timeouts
  std::string comment;
  sys_time created{};
  std::optional<sys_time> decided;
  std::string grant_id;                // access reviews, when approved
};

struct review_outcome {
  review_state state = review_state::expired;  // approved, rejected, expired, cancelled, orphaned
  std::string decided_by;
  std::string comment;
};

enum class review_error : std::uint8_t {
  not_found,
  not_pending,      // already decided, expired, cancelled or orphaned
  self_review,      // the requester may never decide its own review
  not_a_reviewer,   // only principals the rule names as reviewers decide
  store_failed,
};
std::string_view describe(review_error e) noexcept;

class review_board {
 public:
  virtual ~review_board() = default;

  // Opens a review; `notify` runs exactly once when it ends. Returns its id.
  virtual expected<std::string, review_error> open(review_subject s,
                                                   std::function<void(const review_outcome&)> notify) = 0;
  // The session gives up: the client cancelled or went away (cancelled), or
  // review_timeout passed (expired). No effect on a review already ended.
  virtual void withdraw(const std::string& id, review_state why) = 0;

  // The HTTP API. `reviewer` is the authenticated caller.
  virtual expected<review_record, review_error> decide(const std::string& id, bool approve,
                                                       const identity::principal& reviewer,
                                                       std::string comment) = 0;
  virtual std::optional<review_record> get(const std::string& id) const = 0;
  virtual std::vector<review_record> list(std::optional<review_state> state, std::size_t limit) const = 0;
};

}  // namespace gh::gateway
