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
  out_of_order,         // a second server-first, or a server-final again or before any server-first
};

std::string_view describe(scram_error e) noexcept;

// ClientKey and ServerKey (RFC 5802 §3) of logins that succeeded, by the
// login's scope (the server and role it is for), password, salt and
// iteration count. Deriving them is PBKDF2: at PostgreSQL's 4,096
// iterations, about 1 ms of CPU on the thread that logs in, which an io
// thread's other sessions wait out. A server keeps a role's salt until its
// password is set again, so a login to the same role can take the keys
// derived the first time.
// - Entries are found by an HMAC of the four under a key of the cache's
//   own, not by the password: the id is worth nothing without that key.
// - The scope keeps one server from learning, by what is reused, whether
//   another one's password is the same.
// - Only a login whose server proved it knows the password adds keys, so a
//   hostile server cannot crowd out the entries of real ones.
// - The keys are as secret as the password (either one logs in): every copy
//   is wiped when it goes, and so are the ids.
// Thread-safe.
class scram_key_cache {
 public:
  struct keys {
    std::string client_key;  // 32 bytes
    std::string server_key;  // 32 bytes
    keys() = default;
    keys(std::string client, std::string server) : client_key(std::move(client)), server_key(std::move(server)) {}
    keys(const keys&) = default;
    keys& operator=(const keys&) = default;
    ~keys();
  };
  struct login {
    std::string_view scope, password, salt;
    int iterations = 0;
  };
  // 64 entries: far more servers and roles than a gateway logs in to.
  explicit scram_key_cache(const random_source& rng, std::size_t capacity = 64);
  ~scram_key_cache();
  scram_key_cache(const scram_key_cache&) = delete;
  scram_key_cache& operator=(const scram_key_cache&) = delete;

  // The keys a login like this one used before, if still held.
  std::optional<keys> find(const login& l);
  // After a login that succeeded: keeps the keys it derived (counted as
  // derived), in place of the least recently used entry when full; or
  // counts a login that reused them.
  void keep(const login& l, const keys& k);
  void count_reused();

  struct counts {
    std::uint64_t derived = 0;  // successful logins that ran PBKDF2
    std::uint64_t reused = 0;   // successful logins that took cached keys
  };
  counts stats() const;

 private:
  struct entry {
    std::string id;  // id_of(): an HMAC, under key_, of the login's four parts
    keys k;
    std::uint64_t used = 0;
  };
  std::string id_of(const login& l) const;

  std::string key_;  // wiped with the entries
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<entry> entries_;
  std::uint64_t clock_ = 0;
  counts counts_;
};

class scram_client {
 public:
  // With a cache, a login to `scope` (naming the server and role) with a
  // salt seen before does not derive the keys again.
  scram_client(std::string_view password, const random_source& rng, scram_key_cache* cache = nullptr,
               std::string scope = {});
  // A fixed user name and client nonce instead of "" and 18 random bytes: for
  // known-answer tests (RFC 7677 §3 uses user "user") and fuzzing. Both are
  // sent as given: `user` must hold neither ',' nor '=' (RFC 5802 escapes
  // them), `client_nonce` must be printable ASCII without ','.
  scram_client(std::string_view password, std::string_view user, std::string client_nonce,
               scram_key_cache* cache = nullptr, std::string scope = {});
  ~scram_client();
  // Not moved: a moved-from string may keep the password's bytes.
  scram_client(scram_client&&) = delete;
  scram_client& operator=(scram_client&&) = delete;

  // The client-first-message, for SASLInitialResponse with "SCRAM-SHA-256".
  const std::string& client_first() const noexcept { return client_first_; }
  // Takes server-first (SASLContinue data); returns client-final (SASLResponse data).
  expected<std::string, scram_error> on_server_first(std::string_view server_first);
  // Takes server-final (SASLFinal data); succeeds only if the server proved it knows the password.
  expected<void, scram_error> on_server_final(std::string_view server_final);
  // The server proved it knows the password: AuthenticationOk may follow.
  bool verified() const noexcept { return verified_; }

 private:
  std::string password_;
  scram_key_cache* cache_ = nullptr;
  std::string scope_;
  std::string client_nonce_;
  std::string client_first_bare_;
  std::string client_first_;
  std::string expected_server_signature_;
  // Between server-first and server-final: what the cache keeps on success.
  std::optional<scram_key_cache::keys> keys_;
  bool keys_reused_ = false;
  std::string salt_;
  int iterations_ = 0;
  bool first_seen_ = false;
  bool verified_ = false;
};

// "md5" + md5_hex(md5_hex(password + user) + salt): PostgreSQL's MD5 answer.
std::string md5_password(std::string_view user, std::string_view password, std::string_view salt);

}  // namespace gh::wire::pg
