#include "wire/pg/scram.hpp"

#include <charconv>
#include <utility>

#include "common/crypto.hpp"
#include "common/encoding.hpp"

namespace gh::wire::pg {

std::string_view describe(scram_error e) noexcept {
  switch (e) {
    case scram_error::malformed_server_first: return "malformed SCRAM server-first message";
    case scram_error::nonce_mismatch: return "SCRAM server nonce does not extend the client nonce";
    case scram_error::bad_iteration_count: return "SCRAM iteration count out of range";
    case scram_error::malformed_server_final: return "malformed SCRAM server-final message";
    case scram_error::server_error: return "the server refused the SCRAM exchange";
    case scram_error::bad_server_signature: return "SCRAM server signature does not match";
    case scram_error::out_of_order: return "SCRAM message out of order";
  }
  return "SCRAM failure";
}

namespace {

// Value of attribute `name` ("r", "s", "i", "v", "e") in a SCRAM message.
std::string_view attribute(std::string_view msg, char name) {
  while (!msg.empty()) {
    auto comma = msg.find(',');
    std::string_view part = msg.substr(0, comma);
    if (part.size() >= 2 && part[0] == name && part[1] == '=') return part.substr(2);
    if (comma == std::string_view::npos) break;
    msg.remove_prefix(comma + 1);
  }
  return {};
}

std::string xor_bytes(std::string a, std::string_view b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) a[i] = static_cast<char>(a[i] ^ b[i]);
  return a;
}

constexpr int max_iterations = 10'000'000;  // a hostile server must not pin a core

}  // namespace

scram_key_cache::keys::~keys() {
  secure_clear(client_key);
  secure_clear(server_key);
}

scram_key_cache::scram_key_cache(const random_source& rng, std::size_t capacity)
    : key_(random_bytes(rng, 32)), capacity_(capacity) {
  entries_.reserve(capacity_);  // never reallocated: no unwiped copy of an id left behind
}

scram_key_cache::~scram_key_cache() {
  for (auto& e : entries_) secure_clear(e.id);
  secure_clear(key_);
}

std::string scram_key_cache::id_of(const login& l) const {
  // Each variable part after its length: no two logins give the same bytes.
  std::string in;
  auto put = [&in](std::uint64_t v, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) in += static_cast<char>((v >> shift) & 0xff);
  };
  in.reserve(28 + l.scope.size() + l.salt.size() + l.password.size());
  put(static_cast<std::uint32_t>(l.iterations), 4);
  put(l.scope.size(), 8);
  in += l.scope;
  put(l.salt.size(), 8);
  in += l.salt;
  in += l.password;
  std::string id = hmac_sha256(key_, in);
  secure_clear(in);
  return id;
}

std::optional<scram_key_cache::keys> scram_key_cache::find(const login& l) {
  std::string id = id_of(l);
  std::lock_guard lock(mutex_);
  for (auto& e : entries_) {
    if (e.id != id) continue;
    e.used = ++clock_;
    return e.k;
  }
  return std::nullopt;
}

void scram_key_cache::keep(const login& l, const keys& k) {
  std::string id = id_of(l);
  std::lock_guard lock(mutex_);
  ++counts_.derived;
  if (capacity_ == 0) return;
  entry* slot = nullptr;
  for (auto& e : entries_)
    if (e.id == id) slot = &e;  // two logins derived the same keys at once
  if (!slot && entries_.size() < capacity_) slot = &entries_.emplace_back();
  if (!slot) {
    slot = &entries_.front();
    for (auto& e : entries_)
      if (e.used < slot->used) slot = &e;
  }
  secure_clear(slot->id);
  slot->id = id;
  slot->k = k;
  slot->used = ++clock_;
  secure_clear(id);
}

void scram_key_cache::count_reused() {
  std::lock_guard lock(mutex_);
  ++counts_.reused;
}

scram_key_cache::counts scram_key_cache::stats() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

// The password is taken by view and copied once: a string passed by value
// and moved from could keep a short password's bytes.
scram_client::scram_client(std::string_view password, const random_source& rng, scram_key_cache* cache,
                           std::string scope)
    : scram_client(password, "", base64_encode(random_bytes(rng, 18)), cache, std::move(scope)) {}

scram_client::scram_client(std::string_view password, std::string_view user, std::string client_nonce,
                           scram_key_cache* cache, std::string scope)
    : password_(password),
      cache_(cache),
      scope_(std::move(scope)),
      client_nonce_(std::move(client_nonce)),
      client_first_bare_("n=" + std::string(user) + ",r=" + client_nonce_),
      client_first_("n,," + client_first_bare_) {}

scram_client::~scram_client() { secure_clear(password_); }

expected<std::string, scram_error> scram_client::on_server_first(std::string_view server_first) {
  // One exchange per client: a second server-first would derive again and
  // replace what the first one's server-final is checked against.
  if (std::exchange(first_seen_, true)) return unexpected(scram_error::out_of_order);
  // RFC 5802 §5.1: a mandatory extension ("m=") we do not know ends the exchange.
  if (server_first.starts_with("m=")) return unexpected(scram_error::malformed_server_first);
  std::string_view nonce = attribute(server_first, 'r');
  std::string_view salt_b64 = attribute(server_first, 's');
  std::string_view iter_text = attribute(server_first, 'i');
  if (nonce.empty() || salt_b64.empty() || iter_text.empty())
    return unexpected(scram_error::malformed_server_first);
  if (nonce.size() <= client_nonce_.size() || nonce.substr(0, client_nonce_.size()) != client_nonce_)
    return unexpected(scram_error::nonce_mismatch);
  auto salt = base64_decode(salt_b64);
  if (!salt) return unexpected(scram_error::malformed_server_first);
  int iterations = 0;
  auto [p, ec] = std::from_chars(iter_text.data(), iter_text.data() + iter_text.size(), iterations);
  if (ec != std::errc() || p != iter_text.data() + iter_text.size() || iterations < 1 ||
      iterations > max_iterations)
    return unexpected(scram_error::bad_iteration_count);

  salt_ = std::move(*salt);
  iterations_ = iterations;
  keys_.reset();
  keys_reused_ = false;
  if (cache_) {
    keys_ = cache_->find({scope_, password_, salt_, iterations_});
    keys_reused_ = keys_.has_value();
  }
  if (!keys_) {
    std::string salted = pbkdf2_sha256(password_, salt_, iterations_);
    keys_.emplace(hmac_sha256(salted, "Client Key"), hmac_sha256(salted, "Server Key"));
    secure_clear(salted);
  }
  std::string stored_key = sha256(keys_->client_key);
  std::string final_without_proof = "c=biws,r=" + std::string(nonce);
  std::string auth_message =
      client_first_bare_ + "," + std::string(server_first) + "," + final_without_proof;
  std::string signature = hmac_sha256(stored_key, auth_message);
  std::string proof = xor_bytes(keys_->client_key, signature);
  expected_server_signature_ = hmac_sha256(keys_->server_key, auth_message);
  secure_clear(stored_key);
  secure_clear(signature);
  std::string out = final_without_proof + ",p=" + base64_encode(proof);
  secure_clear(proof);
  if (!cache_) keys_.reset();  // nothing to keep them for
  return out;
}

expected<void, scram_error> scram_client::on_server_final(std::string_view server_final) {
  if (verified_) return unexpected(scram_error::out_of_order);
  if (!attribute(server_final, 'e').empty()) return unexpected(scram_error::server_error);
  std::string_view v = attribute(server_final, 'v');
  auto verifier = base64_decode(v);
  if (v.empty() || !verifier) return unexpected(scram_error::malformed_server_final);
  if (expected_server_signature_.empty() || !constant_time_equal(*verifier, expected_server_signature_))
    return unexpected(scram_error::bad_server_signature);
  verified_ = true;
  if (cache_ && keys_) {
    if (keys_reused_) cache_->count_reused();
    else cache_->keep({scope_, password_, salt_, iterations_}, *keys_);
  }
  keys_.reset();
  return {};
}

std::string md5_password(std::string_view user, std::string_view password, std::string_view salt) {
  std::string inner = md5_hex(std::string(password) + std::string(user));
  return "md5" + md5_hex(inner + std::string(salt));
}

}  // namespace gh::wire::pg
