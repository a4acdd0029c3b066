// The subcommands of the one binary. Each takes the arguments after its own
// name and returns the process exit code: 0 success, 1 a refusal or failure
// the command reports, 2 a usage error.
#pragma once

#include <span>
#include <string_view>

namespace gh::cli {

using args = std::span<char* const>;

int cmd_gateway(args a);
int cmd_connector(args a);
int cmd_classify(args a);
int cmd_check(args a);
int cmd_audit(args a);
int cmd_token(args a);
int cmd_review(args a);
int cmd_grant(args a);

}  // namespace gh::cli
