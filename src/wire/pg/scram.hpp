// SCRAM-SHA-256 client (RFC 5802, RFC 7677) as PostgreSQL speaks it, and the
// MD5 password answer. A pure state machine: the session feeds it the
// server's messages and sends what it returns.
// https://www.postgresql.org/docs/15/sasl-authentication.html
//
// Channel binding is not used (GS2 header "n,,"). The password is used as
// given: SASLprep is the identity for ASCII passwords, which is what the
// connection config is expected to hold.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// ClientKey and ServerKey (RFC 5802 §3) by (password, salt, iteration count).
// Deriving them is PBKDF2: at PostgreSQL's 4,096 iterations, about 1 ms of
// CPU on the thread that logs in, which an io thread's other sessions wait
// out. A server keeps a role's salt until its password is set again, so a
// login to the same role can take the keys derived the first time. Entries
// are found by a hash of the three, not by the password; the keys are as
// secret as the password (either one logs in) and are wiped on eviction.
// Thread-safe.
class scram_key_cache {
 public:
  struct keys {
    std::string client_key;  // 32 bytes
    std::string server_key;  // 32 bytes
  };
  scram_key_cache() = default;  // 64 entries: far more roles and servers than a gateway logs in to
  explicit scram_key_cache(std::size_t capacity) : capacity_(capacity) {}
  ~scram_key_cache();
  scram_key_cache(const scram_key_cache&) = delete;
  scram_key_cache& operator=(const scram_key_cache&) = delete;

  // The keys derived for these before, if still held (counted as reused).
  std::optional<keys> find(std::string_view password, std::string_view salt, int iterations);
  // Keeps newly derived keys (counted as derived), in place of the least
  // recently used entry when full.
  void keep(std::string_view password, std::string_view salt, int iterations, const keys& k);

  struct counts {
    std::uint64_t derived = 0;  // logins that ran PBKDF2
    std::uint64_t reused = 0;   // logins that took cached keys
  };
  counts stats() const;

 private:
  struct entry {
    std::string id;  // sha256 over the iteration count, the salt and the password
    keys k;
    std::uint64_t used = 0;
  };
  static std::string id_of(std::string_view password, std::string_view salt, int iterations);

  mutable std::mutex mutex_;
  std::size_t capacity_ = 64;
  std::vector<entry> entries_;
  std::uint64_t clock_ = 0;
  counts counts_;
};

class scram_client {
 public:
  // With a cache, the keys for a salt seen before are not derived again.
  scram_client(std::string password, const random_source& rng, scram_key_cache* cache = nullptr);
  // A fixed user name and client nonce instead of "" and 18 random bytes: for
  // known-answer tests (RFC 7677 §3 uses user "user") and fuzzing. Both are
  // sent as given: `user` must hold neither ',' nor '=' (RFC 5802 escapes
  // them), `client_nonce` must be printable ASCII without ','.
  scram_client(std::string password, std::string_view user, std::string client_nonce,
               scram_key_cache* cache = nullptr);
  ~scram_client();
  scram_client(scram_client&&) = default;
  scram_client& operator=(scram_client&&) = default;

  // The client-first-message, for SASLInitialResponse with "SCRAM-SHA-256".
  const std::string& client_first() const noexcept { return client_first_; }
  // Takes server-first (SASLContinue data); returns client-final (SASLResponse data).
  expected<std::string, scram_error> on_server_first(std::string_view server_first);
  // Takes server-final (SASLFinal data); succeeds only if the server proved it knows the password.
  expected<void, scram_error> on_server_final(std::string_view server_final) const;

 private:
  std::string password_;
  scram_key_cache* cache_ = nullptr;
  std::string client_nonce_;
  std::string client_first_bare_;
  std::string client_first_;
  std::string expected_server_signature_;
};

// "md5" + md5_hex(md5_hex(password + user) + salt): PostgreSQL's MD5 answer.
std::string md5_password(std::string_view user, std::string_view password, std::string_view salt);

}  // namespace gh::wire::pg
