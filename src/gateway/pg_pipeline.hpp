// Which server responses the session is waiting for, in order, so that the
// gateway can put its own answer (a refusal) exactly where PostgreSQL would
// have put the error, and can tell which statement a CommandComplete or an
// ErrorResponse belongs to. Pure: fed message types, no I/O.
//
// Protocol facts this relies on (docs/15/protocol-flow.html):
//  - a simple Query is answered until its ReadyForQuery;
//  - extended messages are answered in order: Parse by ParseComplete, Bind by
//    BindComplete, Describe by (ParameterDescription +) RowDescription or
//    NoData, Execute by CommandComplete, EmptyQueryResponse or
//    PortalSuspended, Close by CloseComplete, Sync by ReadyForQuery;
//  - after an ErrorResponse to an extended message the server answers
//    nothing more until the next Sync's ReadyForQuery.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

namespace gh::gateway {

enum class pending_kind : std::uint8_t {
  query, parse, bind, describe, execute, close, sync,
  // A message the gateway replaced by one certain to fail, so that the server
  // enters the same error state the refused statement would have caused; its
  // ErrorResponse is swapped for the gateway's refusal.
  refused_query, refused_extended,
  // A Query the gateway itself sends (SET default_transaction_read_only when
  // grants change): everything the server answers to it, up to and including
  // its ReadyForQuery, is dropped instead of forwarded.
  internal,
};

struct pending {
  pending_kind kind = pending_kind::sync;
  std::uint32_t statement = 0;  // query / execute / refused: the session's statement slot
};

// What one server message means for the statements in flight.
struct response_effect {
  bool drop = false;                  // answers an internal query: do not forward
  bool replace_with_refusal = false;  // send the refusal of `statement` instead of this message
  std::optional<pending> statement;   // the statement (query/execute/refused) it reports on
  bool finished = false;              // that statement is complete: record its outcome
};

class pg_pipeline {
 public:
  void push(pending p) { queue_.push_back(p); }
  bool idle() const noexcept { return queue_.empty(); }
  bool answering_internal() const noexcept {
    return !queue_.empty() && queue_.front().kind == pending_kind::internal;
  }
  std::size_t size() const noexcept { return queue_.size(); }

  // Feed every server message type in order; `type` is the message's byte.
  response_effect on_server_message(char type);

 private:
  void pop_through_sync();
  std::deque<pending> queue_;
};

}  // namespace gh::gateway
