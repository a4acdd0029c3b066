// Events for the audit and store tests: deterministic, with every field set.
#pragma once

#include <cstdint>
#include <string>

#include "audit/event.hpp"

namespace gh::audit::testing {

inline sys_time at_micros(std::int64_t us) { return from_unix_micros(us); }

// 2026-11-24T09:57:56.123456Z plus n milliseconds.
inline event sample_statement(int n = 1, std::string principal = "chatgpt-agent") {
  event ev;
  ev.kind = event_kind::statement;
  ev.time = at_micros(1795514276123456 + std::int64_t{n} * 1000);
  ev.principal = std::move(principal);
  ev.session = "s-1f3a";
  ev.client = "10.0.0.7:51234";
  ev.connection = "app";
  ev.statement = "select * from public.orders where id = " + std::to_string(n);
  ev.cls = "read";
  ev.tables = {"public.orders"};
  ev.decision = "allow";
  ev.rule = "agents-read";
  ev.statement_id = "s-1f3a/" + std::to_string(n);
  return ev;
}

inline event sample_outcome(const event& statement, std::int64_t duration_us = 412,
                            std::int64_t rows = 1, std::string error = {}) {
  event ev;
  ev.kind = event_kind::outcome;
  ev.time = statement.time + std::chrono::microseconds(duration_us);
  ev.principal = statement.principal;
  ev.session = statement.session;
  ev.client = statement.client;
  ev.connection = statement.connection;
  ev.decision = error.empty() ? "ok" : "error";
  ev.ref = statement.statement_id;
  ev.duration_us = duration_us;
  ev.rows = rows;
  ev.error = std::move(error);
  return ev;
}

}  // namespace gh::audit::testing
