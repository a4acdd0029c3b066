// SCRAM-SHA-256 client (RFC 5802, RFC 7677) as PostgreSQL speaks it, and the
// MD5 password answer. A pure state machine: the session feeds it the
// server's messages and sends what it returns.
// https://www.postgresql.org/docs/15/sasl-authentication.html
//
// Channel binding is not used (GS2 header "n,,"). The password is used as
// given: SASLprep is the identity for ASCII passwords, which is what the
// connection config is expected to hold.
#pragma once

#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "common/random.hpp"

namespace gh::wire::pg {

enum class scram_error {
  malformed_server_first = 1,
  nonce_mismatch,       // server nonce does not extend ours
  bad_iteration_count,
  malformed_server_final,
  server_error,         // the server sent e=...
  bad_server_signature, // the server does not know the password: not the server we meant
};

std::string_view describe(scram_error e) noexcept;

class scram_client {
 public:
  scram_client(std::string password, const random_source& rng);
  // A fixed user name and client nonce instead of "" and 18 random bytes: for
  // known-answer tests (RFC 7677 §3 uses user "user") and fuzzing. Both are
  // sent as given: `user` must hold neither ',' nor '=' (RFC 5802 escapes
  // them), `client_nonce` must be printable ASCII without ','.
  scram_client(std::string password, std::string_view user, std::string client_nonce);

  // The client-first-message, for SASLInitialResponse with "SCRAM-SHA-256".
  const std::string& client_first() const noexcept { return client_first_; }
  // Takes server-first (SASLContinue data); returns client-final (SASLResponse data).
  expected<std::string, scram_error> on_server_first(std::string_view server_first);
  // Takes server-final (SASLFinal data); succeeds only if the server proved it knows the password.
  expected<void, scram_error> on_server_final(std::string_view server_final) const;

 private:
  std::string password_;
  std::string client_nonce_;
  std::string client_first_bare_;
  std::string client_first_;
  std::string expected_server_signature_;
};

// "md5" + md5_hex(md5_hex(password + user) + salt): PostgreSQL's MD5 answer.
std::string md5_password(std::string_view user, std::string_view password, std::string_view salt);

}  // namespace gh::wire::pg
