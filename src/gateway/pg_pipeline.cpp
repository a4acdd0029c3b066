#include "gateway/pg_pipeline.hpp"

namespace gh::gateway {

namespace {

bool ends_at_ready(pending_kind k) {
  return k == pending_kind::query || k == pending_kind::sync || k == pending_kind::refused_query ||
         k == pending_kind::internal;
}

}  // namespace

void pg_pipeline::pop_through_sync() {
  while (!queue_.empty()) {
    bool last = ends_at_ready(queue_.front().kind);
    queue_.pop_front();
    if (last) break;
  }
}

response_effect pg_pipeline::on_server_message(char type) {
  response_effect fx;
  if (queue_.empty()) return fx;  // asynchronous: notices, notifications, parameter status
  pending& front = queue_.front();

  if (front.kind == pending_kind::internal) {
    // Notices and notifications are asynchronous: they reach the client
    // even while an internal query is answered.
    if (type == 'N' || type == 'A' || type == 'S') return fx;
    fx.drop = true;
    if (type == 'Z') queue_.pop_front();
    return fx;
  }

  if (front.kind == pending_kind::refused_query || front.kind == pending_kind::refused_extended) {
    // The replacement fails by construction; whatever answers it is swapped
    // for the refusal. ReadyForQuery still ends a refused simple query.
    if (type == 'Z') {
      fx.statement = front;
      pop_through_sync();
      return fx;
    }
    if (type == 'E' || type == '1' || type == 'C' || type == 's' || type == 'I') {
      fx.replace_with_refusal = true;
      fx.statement = front;
      fx.finished = true;
      if (front.kind == pending_kind::refused_extended) queue_.pop_front();
      else front.kind = pending_kind::sync;  // what is left is waiting for ReadyForQuery
      return fx;
    }
    return fx;
  }

  switch (type) {
    case '1':  // ParseComplete
    case '2':  // BindComplete
    case '3':  // CloseComplete
    case 'n':  // NoData
      queue_.pop_front();
      break;
    case 'T':  // RowDescription: answers a Describe, or starts a result
      if (front.kind == pending_kind::describe) queue_.pop_front();
      break;
    case 'C':  // CommandComplete
    case 'I':  // EmptyQueryResponse
    case 's':  // PortalSuspended
      if (front.kind == pending_kind::execute) {
        fx.statement = front;
        fx.finished = true;
        queue_.pop_front();
      } else if (front.kind == pending_kind::query) {
        fx.statement = front;  // one of possibly several statements of the query
      }
      break;
    case 'E':  // ErrorResponse
      if (front.kind == pending_kind::query) {
        fx.statement = front;
      } else if (front.kind != pending_kind::sync) {
        if (front.kind == pending_kind::execute) {
          fx.statement = front;
          fx.finished = true;
        }
        // The server now skips to the next Sync; the entries in between get
        // no answer and are dropped when its ReadyForQuery arrives.
        queue_.pop_front();
      }
      break;
    case 'Z':  // ReadyForQuery
      if (front.kind == pending_kind::query) {
        fx.statement = front;
        fx.finished = true;
      }
      pop_through_sync();
      break;
    default:
      break;
  }
  return fx;
}

}  // namespace gh::gateway
