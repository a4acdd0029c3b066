// The connection phase on real bytes: MariaDB's handshake, the mariadb
// client's response and SSLRequest; round trips through the encoders; and
// every truncation refused.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/mysql/handshake.hpp"

namespace gh::wire::mysql::test {
namespace {

std::string only_payload(std::string_view name) {
  const auto p = payloads_of(name);
  EXPECT_EQ(p.size(), 1u) << name;
  return p.empty() ? std::string() : p[0];
}

TEST(mysql_handshake, decodes_mariadb_handshake_v10) {
  const auto h = decode_handshake(bytes_of(only_payload("be_handshake_v10")));
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->server_version.starts_with("5.5.5-10.11")) << h->server_version;
  EXPECT_EQ(h->auth_plugin_data.size(), 20u);
  EXPECT_EQ(h->auth_plugin_name, "mysql_native_password");
  EXPECT_TRUE(h->caps & cap::protocol_41);
  EXPECT_TRUE(h->caps & cap::plugin_auth);
  EXPECT_FALSE(h->caps & cap::long_password);  // MariaDB: CLIENT_MYSQL clear,
  EXPECT_TRUE(h->caps & cap::mariadb_progress);  // so its extended capabilities count
}

TEST(mysql_handshake, decodes_a_mysql8_handshake) {
  const auto h = decode_handshake(bytes_of(only_payload("be_handshake_v10_caching_sha2")));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->server_version, "8.0.36");
  EXPECT_EQ(h->auth_plugin_data, "Rw;7c!Kp=2v&QxZ9e@Lm");
  EXPECT_EQ(h->auth_plugin_name, "caching_sha2_password");
  EXPECT_EQ(h->collation, 255);
  EXPECT_FALSE(h->caps >> 32);  // CLIENT_MYSQL set: the reserved bytes are not capabilities
}

TEST(mysql_handshake, handshake_round_trips) {
  handshake_v10 h;
  h.server_version = "5.5.5-10.11.0-gatehouse";
  h.connection_id = 42;
  h.auth_plugin_data = "abcdefghij0123456789";
  h.caps = cap::protocol_41 | cap::secure_connection | cap::plugin_auth | cap::ssl |
           cap::transactions | cap::long_password;
  h.collation = collation_utf8mb4_general_ci;
  h.status = status::autocommit;
  h.auth_plugin_name = "mysql_clear_password";
  std::string payload;
  encode_handshake_payload(payload, h);
  const auto back = decode_handshake(bytes_of(payload));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->server_version, h.server_version);
  EXPECT_EQ(back->connection_id, 42u);
  EXPECT_EQ(back->auth_plugin_data, h.auth_plugin_data);
  EXPECT_EQ(back->caps, h.caps);
  EXPECT_EQ(back->collation, h.collation);
  EXPECT_EQ(back->status, h.status);
  EXPECT_EQ(back->auth_plugin_name, h.auth_plugin_name);
  // And the captured one re-encodes to the same bytes.
  const std::string captured = only_payload("be_handshake_v10");
  std::string again;
  encode_handshake_payload(again, *decode_handshake(bytes_of(captured)));
  EXPECT_EQ(again, captured);
}

TEST(mysql_handshake, decodes_the_mariadb_client_response) {
  const std::string payload = only_payload("fe_handshake_response41");
  const auto r = decode_handshake_response(bytes_of(payload));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user, "gh");
  EXPECT_EQ(r->database, "gh");
  EXPECT_EQ(r->auth_plugin, "mysql_native_password");
  EXPECT_EQ(r->auth_response.size(), 20u);
  EXPECT_TRUE(r->caps & cap::connect_attrs);
  bool client_name = false;
  for (const auto& [k, v] : r->attributes) client_name = client_name || (k == "_client_name" && v == "libmariadb");
  EXPECT_TRUE(client_name);
  // A captured response re-encodes to the same bytes.
  std::string again;
  encode_handshake_response_payload(again, *r);
  EXPECT_EQ(again, payload);
}

TEST(mysql_handshake, ssl_request_is_32_bytes_with_client_ssl) {
  const std::string p = only_payload("fe_ssl_request");
  EXPECT_TRUE(is_ssl_request(bytes_of(p)));
  const auto r = decode_ssl_request(bytes_of(p));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->caps & cap::ssl);
  std::string again;
  encode_ssl_request_payload(again, *r);
  EXPECT_EQ(again, p);
  EXPECT_FALSE(is_ssl_request(bytes_of(only_payload("fe_handshake_response41"))));
}

TEST(mysql_handshake, response_round_trips_in_each_auth_data_form) {
  for (capabilities form : {cap::plugin_auth_lenenc_client_data, cap::secure_connection, capabilities{0}}) {
    handshake_response r;
    r.caps = cap::protocol_41 | cap::plugin_auth | cap::connect_with_db | cap::connect_attrs | form |
             cap::long_password;
    r.max_packet_size = 1 << 24;
    r.collation = collation_utf8mb4_general_ci;
    r.user = "app_agent";
    r.auth_response = form ? std::string_view("\x01\x02\x00\x03", 4) : std::string_view("secret");
    r.database = "shop";
    r.auth_plugin = "mysql_native_password";
    r.attributes = {{"_client_name", "gatehouse"}};
    std::string p;
    encode_handshake_response_payload(p, r);
    const auto back = decode_handshake_response(bytes_of(p));
    ASSERT_TRUE(back) << form;
    EXPECT_EQ(back->user, r.user);
    EXPECT_EQ(back->auth_response, r.auth_response);
    EXPECT_EQ(back->database, r.database);
    EXPECT_EQ(back->auth_plugin, r.auth_plugin);
    EXPECT_EQ(back->attributes, r.attributes);
  }
}

TEST(mysql_handshake, every_truncation_is_refused_never_read_past) {
  for (const char* name : {"be_handshake_v10", "fe_handshake_response41", "fe_ssl_request"}) {
    const std::string p = only_payload(name);
    for (std::size_t n = 0; n < p.size(); ++n) {
      const std::string cut = p.substr(0, n);  // its own buffer: ASan sees any overread
      if (std::string_view(name).starts_with("be_"))
        (void)decode_handshake(bytes_of(cut));
      else
        EXPECT_FALSE(decode_handshake_response(bytes_of(cut))) << name << " at " << n;
      EXPECT_FALSE(decode_ssl_request(bytes_of(cut)) && n != 32) << name << " at " << n;
    }
  }
  EXPECT_FALSE(decode_handshake(bytes_of(std::string("\x09" "5.0\0", 5))));  // protocol 9
}

}  // namespace
}  // namespace gh::wire::mysql::test
