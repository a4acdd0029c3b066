// A statement held for review (mysql_relay.hpp). MySQL has no message a
// server may send while a command waits, so the client simply waits for its
// answer; the review id reaches the agent in that answer (the ERR of a
// rejection or time-out, the OK's info of an approval) and the gateway log.
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include "gateway/mysql_relay.hpp"
#include "gateway/services.hpp"

namespace gh::gateway {

net::awaitable<bool> mysql_relay::hold(std::uint32_t slot, wire::mysql::command c, net::asio::const_buffer raw) {
  holding_ = true;
  held_review_.clear();
  review_outcome outcome = co_await wait_for_review(slot);
  holding_ = false;
  if (stopping_) {
    gate_.on_not_approved(slot, "gatehouse: the session ended while the statement was held", "cancelled");
    gate_.on_finished(slot, -1, {});
    co_return false;
  }
  if (outcome.state == review_state::approved) {
    gate_.on_approved(slot, outcome.decided_by);
    if (!co_await forward(raw)) co_return false;
    co_return co_await relay_response(c, slot, "gatehouse: review " + held_review_ + " approved by " +
                                                   outcome.decided_by);
  }
  std::string message;
  switch (outcome.state) {
    case review_state::rejected:
      message = "gatehouse: review " + held_review_ + " was rejected by " + outcome.decided_by +
                (outcome.comment.empty() ? std::string() : ": " + outcome.comment);
      break;
    case review_state::expired:
      message = "gatehouse: review " + held_review_ + " expired: no reviewer decided within " +
                std::to_string(ctx_.svc.cfg().gateway.review_timeout.count()) + "s";
      break;
    case review_state::cancelled:
      message = "gatehouse: query execution was interrupted (KILL): review " + held_review_ +
                " is withdrawn and the statement did not run";
      break;
    default:
      message = "gatehouse: statement refused: it needs a reviewer's approval (rule \"" +
                gate_.hold_subject(slot).rule + "\"), and " +
                (held_review_.empty() ? "no review could be opened: " + outcome.comment
                                      : "review " + held_review_ + " could not be completed: " + outcome.comment);
      break;
  }
  gate_.on_not_approved(slot, message, to_string(outcome.state));
  co_return co_await decided({policy::verdict::deny, slot}, c, raw);
}

net::awaitable<review_outcome> mysql_relay::wait_for_review(std::uint32_t slot) {
  review_outcome failed;
  failed.state = review_state::orphaned;
  if (!ctx_.svc.reviews) {
    failed.comment = "this gateway has no review service configured";
    co_return failed;
  }
  auto mailbox = mailbox_;
  auto opened = open_review_into(mailbox, *ctx_.svc.reviews, gate_.hold_subject(slot));
  if (!opened) {
    failed.comment = std::string(describe(opened.error()));
    co_return failed;
  }
  held_review_ = *opened;
  gate_.on_held(slot, held_review_);
  if (!gate_.flush()) {
    ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
    finish(ending(mysql_relay_end::reason::audit_failed, 1026, "HY000",
                  "gatehouse: the audit log cannot be written (" + gate_.flush_error() + ")"));
    co_return failed;
  }
  const auto& cfg = ctx_.svc.cfg();
  spdlog::info("session {} principal={} connection={}: review {} holds this statement until a reviewer decides "
               "(rule \"{}\"); waiting up to {}s; approve with: gatehouse review approve {}",
               ctx_.id, ctx_.who.name, ctx_.conn->name, held_review_, gate_.hold_subject(slot).rule,
               cfg.gateway.review_timeout.count(), held_review_);

  net::asio::steady_timer timer(client_.get_executor());
  mailbox->timer = &timer;
  const auto deadline = std::chrono::steady_clock::now() + cfg.gateway.review_timeout;
  using namespace net::asio::experimental::awaitable_operators;
  while (!mailbox->outcome && !stopping_) {
    if (mailbox->cancel_requested) {  // KILL QUERY from the principal's other connection
      ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
      if (!mailbox->outcome) mailbox->outcome = review_outcome{review_state::cancelled, ctx_.who.name, {}};
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ctx_.svc.reviews->withdraw(held_review_, review_state::expired);
      if (!mailbox->outcome) mailbox->outcome = review_outcome{review_state::expired, "gatehouse", {}};
      break;
    }
    timer.expires_at(deadline);
    // Watch the client too: leaving withdraws the review. Anything it sends
    // meanwhile waits its turn (MySQL clients do not cancel in-band: KILL
    // QUERY comes on another connection, and wakes this wait through the mailbox).
    auto which = co_await (timer.async_wait(net::use_nothrow) ||
                           client_.socket().async_wait(net::tcp::socket::wait_read, net::use_nothrow));
    if (which.index() == 1 && !mailbox->outcome && !stopping_) {
      char chunk[4096];
      auto [ec, n] = co_await client_.read_some(net::asio::buffer(chunk));
      if (ec) {
        ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
        mailbox->timer = nullptr;
        finish({mysql_relay_end::reason::client_closed, {}, {}});
        co_return failed;
      }
      if (early_.size() + n > ctx_.svc.cfg().limits.message_max) {
        ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
        mailbox->timer = nullptr;
        finish(ending(mysql_relay_end::reason::protocol_error, 1153, "08S01",
                      "gatehouse: too much data sent while a statement was held"));
        co_return failed;
      }
      early_.append(chunk, n);
    }
  }
  mailbox->timer = nullptr;
  if (stopping_) {
    ctx_.svc.reviews->withdraw(held_review_, review_state::cancelled);
    co_return failed;
  }
  co_return *mailbox->outcome;
}

}  // namespace gh::gateway
