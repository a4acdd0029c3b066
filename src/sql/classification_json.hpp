// The JSON form of a classification, as `gatehouse classify --json` prints it
// and as the audit and HTTP layers may embed it:
//   {"class": "write", "reason": "...", "tables": ["public.orders"],
//    "statements": [{"class": "write", "kind": "delete", "tables": [...],
//                    "functions": [...], "reason": "...",
//                    "prepared_name": "p",      (only when set)
//                    "execute_floor": "read"}]} (only for kind "execute")
#pragma once

#include <string>

#include "sql/classification.hpp"

namespace gh::sql {

std::string to_json(const classification& c);

}  // namespace gh::sql
