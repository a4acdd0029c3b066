// open_mysql_upstream against a scripted server on loopback: each way a
// server may ask for the connection's password (mysql_native_password after an
// AuthSwitchRequest, caching_sha2_password's fast path, its full
// authentication inside TLS and with the server's RSA key outside it), a
// refused password, and the pinning that follows (session tracking on, the
// second wall, the session's state read back). MariaDB 10.11 speaks only the
// first of these; the integration tests cover it against the real server.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/mysql_io.hpp"
#include "gateway/mysql_upstream.hpp"
#include "oidc_test_server.hpp"
#include "wire/mysql/auth.hpp"
#include "wire/mysql/command.hpp"
#include "wire/mysql/generic.hpp"
#include "wire/mysql/handshake.hpp"
#include "wire/mysql/payload.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
namespace ssl = asio::ssl;
namespace mysql = wire::mysql;

constexpr std::string_view password = "s3cret-of-the-connection";
constexpr std::string_view nonce = "abcdefghij0123456789";     // 20 printable bytes
constexpr std::string_view switch_nonce = "KLMNOPQRST9876543210";

enum class path { native_switch, sha2_fast, sha2_full, wrong_password };

struct script {
  path how = path::sha2_fast;
  const testing::test_pki* pki = nullptr;  // offer TLS with this certificate
};

// What the server saw.
struct seen {
  std::string user, database, plugin;
  bool tls = false;
  bool key_requested = false;
  bool password_ok = false;
  std::vector<std::string> queries;
};

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string public_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), key);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string rsa_decrypt(EVP_PKEY* key, std::string_view sealed) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key, nullptr),
                                                                  &EVP_PKEY_CTX_free);
  EVP_PKEY_decrypt_init(ctx.get());
  EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING);
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  std::size_t len = 0;
  if (EVP_PKEY_decrypt(ctx.get(), nullptr, &len, in, sealed.size()) != 1) return {};
  std::string plain(len, '\0');
  if (EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, in, sealed.size()) != 1)
    return {};
  plain.resize(len);
  return plain;
}

// A column definition of a VARCHAR result column named `name`.
std::string column(std::string_view name) {
  std::string out;
  mysql::payload_builder b(out);
  b.lenenc_string("def").lenenc_string("").lenenc_string("").lenenc_string("").lenenc_string(name);
  b.lenenc_string("").lenenc(0x0c).u16(45).u32(1024).u8(0xfd).u16(0).u8(0).u16(0);
  return out;
}

class scripted_server {
 public:
  scripted_server(asio::io_context& io, script s)
      : script_(s), acceptor_(io, net::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        key_(EVP_RSA_gen(2048), &EVP_PKEY_free) {
    if (s.pki) {
      tls_ = std::make_unique<ssl::context>(ssl::context::tls_server);
      tls_->use_certificate_chain(asio::buffer(s.pki->cert_pem));
      tls_->use_private_key(asio::buffer(s.pki->key_pem), ssl::context::pem);
    }
    asio::co_spawn(io, serve(), asio::detached);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const seen& saw() const { return seen_; }

 private:
  net::awaitable<std::optional<std::string>> read(mysql_stream& s) {
    auto f = co_await read_mysql_message(s, buf_, 1 << 20);
    if (!f) co_return std::nullopt;
    std::string scratch;
    std::string out(as_chars(mysql_payload(buf_, *f, scratch)));
    seq_ = f->last_sequence;
    buf_.consume(f->size);
    co_return out;
  }
  net::awaitable<void> send(mysql_stream& s, const std::string& payload) {
    co_await write_mysql_message(s, ++seq_, payload);
  }
  net::awaitable<void> ok(mysql_stream& s, std::uint8_t header = mysql::header::ok) {
    mysql::ok_packet ok;
    ok.header = header;
    ok.status = mysql::status::autocommit;
    std::string p;
    mysql::encode_ok_payload(p, ok, caps_);
    co_await send(s, p);
  }

  net::awaitable<void> serve() {
    auto [ec, sock] = co_await acceptor_.async_accept(net::use_nothrow);
    if (ec) co_return;
    mysql_stream s(std::move(sock));
    mysql::handshake_v10 h;
    h.server_version = "8.0.36";
    h.connection_id = 7;
    h.auth_plugin_data = nonce;
    h.caps = mysql::cap::long_password | mysql::cap::connect_with_db | mysql::cap::protocol_41 |
             mysql::cap::transactions | mysql::cap::secure_connection | mysql::cap::multi_statements |
             mysql::cap::multi_results | mysql::cap::ps_multi_results | mysql::cap::plugin_auth |
             mysql::cap::plugin_auth_lenenc_client_data | mysql::cap::session_track | mysql::cap::deprecate_eof |
             (tls_ ? mysql::cap::ssl : 0);
    h.collation = mysql::collation_utf8mb4_general_ci;
    h.status = mysql::status::autocommit;
    h.auth_plugin_name = mysql::caching_sha2_plugin;
    std::string hello;
    mysql::encode_handshake_payload(hello, h);
    seq_ = 255;  // the handshake is packet 0
    co_await send(s, hello);
    // Exactly one packet: the client's TLS handshake follows its SSLRequest at once.
    auto packet = co_await read_mysql_packet_exact(s, 1024);
    if (!packet) co_return;
    seq_ = packet->sequence;
    std::optional<std::string> first = std::move(packet->payload);
    if (mysql::is_ssl_request(as_bytes(*first))) {
      if (auto tls_ec = co_await s.accept_tls(*tls_)) {
        ADD_FAILURE() << "server TLS handshake: " << tls_ec.message();
        co_return;
      }
      seen_.tls = true;
      first = co_await read(s);
      if (!first) co_return;
    }
    auto resp = mysql::decode_handshake_response(as_bytes(*first));
    if (!resp) co_return;
    caps_ = resp->caps & h.caps;
    seen_.user = resp->user;
    seen_.database = resp->database;
    seen_.plugin = resp->auth_plugin;
    const std::string scramble(resp->auth_response);
    if (!co_await authenticate(s, scramble)) co_return;
    co_await commands(s);
  }

  net::awaitable<bool> authenticate(mysql_stream& s, const std::string& scramble) {
    const std::string pw = script_.how == path::wrong_password ? "another password" : std::string(password);
    std::string more;
    switch (script_.how) {
      case path::native_switch: {
        std::string sw;
        mysql::encode_auth_switch_request_payload(sw, mysql::native_password_plugin, switch_nonce);
        co_await send(s, sw);
        auto reply = co_await read(s);
        const std::string stored = digest(EVP_sha1(), digest(EVP_sha1(), pw));
        seen_.password_ok = reply && mysql::verify_native_password(*reply, switch_nonce, stored);
        break;
      }
      case path::sha2_fast:
      case path::wrong_password:
        seen_.password_ok = scramble == mysql::caching_sha2_response(pw, nonce);
        if (seen_.password_ok) {
          mysql::encode_auth_more_data_payload(more, std::string(1, mysql::caching_sha2::fast_auth_success));
          co_await send(s, more);
        }
        break;
      case path::sha2_full: {
        // The server's cache is cold: the scramble alone is not enough.
        mysql::encode_auth_more_data_payload(more, std::string(1, mysql::caching_sha2::perform_full_authentication));
        co_await send(s, more);
        auto reply = co_await read(s);
        if (!reply) co_return false;
        if (!seen_.tls && *reply == std::string(1, mysql::caching_sha2::request_public_key)) {
          seen_.key_requested = true;
          std::string key;
          mysql::encode_auth_more_data_payload(key, public_pem(key_.get()));
          co_await send(s, key);
          reply = co_await read(s);
          if (!reply) co_return false;
          const std::string plain = rsa_decrypt(key_.get(), *reply);
          seen_.password_ok = plain == mysql::xor_password_with_nonce(pw, nonce);
        } else {
          seen_.password_ok = seen_.tls && *reply == pw + '\0';
        }
        break;
      }
    }
    if (!seen_.password_ok) {
      std::string err;
      mysql::encode_err_payload(err, {1045, "28000", "Access denied for user 'app'"});
      co_await send(s, err);
      co_return false;
    }
    co_await ok(s);
    co_return true;
  }

  // The pinning queries: an OK for each SET, the session's state for the probe.
  net::awaitable<void> commands(mysql_stream& s) {
    for (;;) {
      seq_ = 255;
      auto cmd = co_await read(s);
      if (!cmd || cmd->empty() || (*cmd)[0] != static_cast<char>(mysql::command::query)) co_return;
      const std::string sql = cmd->substr(1);
      seen_.queries.push_back(sql);
      if (sql.starts_with("SET ")) {
        co_await ok(s);
        continue;
      }
      std::string count;
      mysql::payload_builder(count).lenenc(4);
      co_await send(s, count);
      for (const char* name : {"sql_mode", "db", "charset", "ro"}) co_await send(s, column(name));
      std::string row;
      mysql::payload_builder(row).lenenc_string("STRICT_TRANS_TABLES").lenenc_string("shop").lenenc_string(
          "utf8mb4").lenenc_string("1");
      co_await send(s, row);
      co_await ok(s, mysql::header::eof);  // CLIENT_DEPRECATE_EOF: an OK ends the rows
    }
  }

  script script_;
  net::tcp::acceptor acceptor_;
  pkey_ptr key_;
  std::unique_ptr<ssl::context> tls_;
  io_buffer buf_{4096};
  std::uint8_t seq_ = 0;
  mysql::capabilities caps_ = 0;
  seen seen_;
};

struct outcome {
  std::optional<mysql_upstream> up;
  std::optional<mysql_upstream_failure> failure;
};

outcome open_against(std::uint16_t port, asio::io_context& io, ssl::context* tls,
                     std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max(),
                     std::optional<config::upstream_tls> mode = std::nullopt) {
  mysql_upstream_settings s;
  s.deadline = deadline;
  s.host = "127.0.0.1";
  s.port = port;
  s.user = "app";
  s.password = password;
  s.database = "shop";
  s.read_only = true;
  s.client_caps = mysql::cap::protocol_41 | mysql::cap::multi_results | mysql::cap::ps_multi_results |
                  mysql::cap::deprecate_eof | mysql::cap::transactions;
  s.tls = tls;
  s.tls_mode = mode ? *mode : tls ? config::upstream_tls::prefer : config::upstream_tls::disable;
  outcome out;
  asio::co_spawn(io, [&]() -> net::awaitable<void> {
    auto r = co_await open_mysql_upstream(s, "shop");
    if (r) out.up = std::move(*r);
    else out.failure = r.error();
    io.stop();  // the server waits for the next command
  }, asio::detached);
  io.run_for(std::chrono::seconds(20));
  return out;
}

std::unique_ptr<ssl::context> client_tls() {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_verify_mode(ssl::verify_none);
  return ctx;
}

void expect_pinned(const outcome& o, const seen& saw) {
  ASSERT_TRUE(o.up) << (o.failure ? o.failure->detail : "no outcome");
  EXPECT_EQ(saw.user, "app");
  EXPECT_EQ(saw.database, "shop");
  EXPECT_TRUE(saw.password_ok);
  EXPECT_EQ(o.up->state.database(), "shop");
  EXPECT_TRUE(o.up->state.read_only());
  ASSERT_EQ(saw.queries.size(), 3u);
  EXPECT_NE(saw.queries[0].find("session_track_system_variables"), std::string::npos);
  EXPECT_EQ(saw.queries[1], "SET SESSION TRANSACTION READ ONLY");  // the second wall
  EXPECT_TRUE(saw.queries[2].starts_with("SELECT @@SESSION.sql_mode"));
}

TEST(mysql_upstream, native_password_after_an_auth_switch) {
  asio::io_context io;
  scripted_server server(io, {path::native_switch, nullptr});
  auto o = open_against(server.port(), io, nullptr);
  expect_pinned(o, server.saw());
  EXPECT_EQ(server.saw().plugin, "caching_sha2_password");  // answered the handshake's plugin first
}

TEST(mysql_upstream, caching_sha2_fast_authentication) {
  asio::io_context io;
  scripted_server server(io, {path::sha2_fast, nullptr});
  auto o = open_against(server.port(), io, nullptr);
  expect_pinned(o, server.saw());
  EXPECT_FALSE(server.saw().key_requested);
}

TEST(mysql_upstream, caching_sha2_full_authentication_with_the_servers_rsa_key) {
  asio::io_context io;
  scripted_server server(io, {path::sha2_full, nullptr});
  auto o = open_against(server.port(), io, nullptr);
  expect_pinned(o, server.saw());
  EXPECT_FALSE(server.saw().tls);
  EXPECT_TRUE(server.saw().key_requested);
}

TEST(mysql_upstream, caching_sha2_full_authentication_inside_tls) {
  const auto pki = testing::make_test_pki({"localhost"}, {"127.0.0.1"});
  asio::io_context io;
  scripted_server server(io, {path::sha2_full, &pki});
  auto tls = client_tls();
  auto o = open_against(server.port(), io, tls.get());
  expect_pinned(o, server.saw());
  EXPECT_TRUE(server.saw().tls);
  EXPECT_FALSE(server.saw().key_requested);  // the password goes in clear inside TLS
}

TEST(mysql_upstream, require_refuses_a_server_that_offers_no_tls_before_any_password) {
  asio::io_context io;
  scripted_server server(io, {path::sha2_full, nullptr});
  auto tls = client_tls();
  auto o = open_against(server.port(), io, tls.get(), std::chrono::steady_clock::time_point::max(),
                        config::upstream_tls::require);
  ASSERT_FALSE(o.up);
  ASSERT_TRUE(o.failure);
  EXPECT_EQ(o.failure->code, 2026);
  EXPECT_NE(o.failure->message.find("does not offer TLS, which its tls: require requires"), std::string::npos)
      << o.failure->message;
  EXPECT_FALSE(server.saw().password_ok);
}

TEST(mysql_upstream, a_refused_password_is_1045_naming_the_connection_not_the_address) {
  asio::io_context io;
  scripted_server server(io, {path::wrong_password, nullptr});
  auto o = open_against(server.port(), io, nullptr);
  ASSERT_TRUE(o.failure);
  EXPECT_EQ(o.failure->code, 1045);
  EXPECT_NE(o.failure->message.find("connection \"shop\""), std::string::npos);
  EXPECT_EQ(o.failure->message.find("127.0.0.1"), std::string::npos);
  EXPECT_NE(o.failure->detail.find("127.0.0.1"), std::string::npos);  // the log says where
}

TEST(mysql_upstream, a_server_that_accepts_and_says_nothing_cannot_hold_the_session) {
  asio::io_context io;
  net::tcp::acceptor silent(io, net::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  net::tcp::socket held(io);
  silent.async_accept(held, [](net::error_code) {});
  const auto start = std::chrono::steady_clock::now();
  auto o = open_against(silent.local_endpoint().port(), io, nullptr, start + std::chrono::milliseconds(300));
  ASSERT_TRUE(o.failure);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(o.failure->detail.find("in time"), std::string::npos) << o.failure->detail;
}

}  // namespace
}  // namespace gh::gateway
