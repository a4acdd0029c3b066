// Startup-phase packets: the captured ones decode to what psql sent, encoders
// give back the same bytes, and malformed packets are refused by name.
#include <gtest/gtest.h>

#include "common/bytes.hpp"
#include "fixture.hpp"
#include "wire/pg/startup.hpp"

namespace gh::wire::pg::test {
namespace {

using namespace std::string_literals;

expected<startup_packet, codec_error> decode_body(std::string_view body) {
  return decode_startup(bytes_of(body));
}

std::string code(std::int32_t c) {
  std::string s;
  put_be32(s, static_cast<std::uint32_t>(c));
  return s;
}

TEST(pg_startup, ssl_request_from_psql) {
  auto p = decode_body(body_of("fe_ssl_request"));
  ASSERT_TRUE(p);
  EXPECT_TRUE(std::holds_alternative<ssl_request>(*p));
  EXPECT_EQ(encode_ssl_request(), load_fixture("fe_ssl_request").bytes);
}

TEST(pg_startup, gssenc_request) {
  auto p = decode_body(body_of("fe_gssenc_request"));
  ASSERT_TRUE(p);
  EXPECT_TRUE(std::holds_alternative<gssenc_request>(*p));
}

TEST(pg_startup, cancel_request_from_psql) {
  auto p = decode_body(body_of("fe_cancel_request"));
  ASSERT_TRUE(p);
  auto* c = std::get_if<cancel_request>(&*p);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->pid, 0x38ee);
  EXPECT_EQ(c->secret, 0x671fb58f);
  EXPECT_EQ(encode_cancel_request(*c), load_fixture("fe_cancel_request").bytes);
}

TEST(pg_startup, startup_message_from_psql) {
  auto p = decode_body(body_of("fe_startup_message"));
  ASSERT_TRUE(p);
  auto* m = std::get_if<startup_message>(&*p);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->protocol, protocol_3_0);
  using kv = std::pair<std::string, std::string>;
  EXPECT_EQ(m->params, (std::vector<kv>{{"user", "gh_trust"}, {"database", "postgres"},
                                        {"application_name", "gh_psql_simple"}}));
  EXPECT_EQ(m->get("user"), "gh_trust");
  EXPECT_TRUE(m->has("database"));
  EXPECT_FALSE(m->has("options"));
  EXPECT_EQ(m->get("options"), "");
  EXPECT_EQ(encode_startup(*m), load_fixture("fe_startup_message").bytes);
}

TEST(pg_startup, round_trips) {
  startup_message m;
  m.params = {{"user", "u"}, {"database", ""}, {"options", "-c a=b"}};
  std::string bytes = encode_startup(m);
  grind_result g = grind(bytes, true, {});
  ASSERT_EQ(g.frames.size(), 1u);
  auto p = decode_body(g.frames[0].body);
  ASSERT_TRUE(p);
  EXPECT_EQ(std::get<startup_message>(*p).params, m.params);

  cancel_request c{-1, 0x7fffffff};
  auto q = decode_body(grind(encode_cancel_request(c), true, {}).frames.at(0).body);
  ASSERT_TRUE(q);
  EXPECT_EQ(std::get<cancel_request>(*q), c);
}

TEST(pg_startup, a_newer_minor_version_decodes_for_negotiation) {
  auto p = decode_body(code(protocol_3_0 | 1) + "user\0u\0_pq_.x\0y\0\0"s);
  ASSERT_TRUE(p);
  EXPECT_EQ(std::get<startup_message>(*p).protocol, protocol_3_0 | 1);
}

TEST(pg_startup, unknown_codes_and_versions_are_refused) {
  for (std::int32_t c : {2 << 16, 4 << 16, 1234 << 16 | 5681, 0, -1})
    EXPECT_EQ(error_of(decode_body(code(c) + "user\0u\0\0"s)), codec_error::bad_value) << c;
}

TEST(pg_startup, truncated_packets) {
  EXPECT_EQ(error_of(decode_body("")), codec_error::truncated);
  EXPECT_EQ(error_of(decode_body("\x04\xd2")), codec_error::truncated);
  EXPECT_EQ(error_of(decode_body(code(cancel_request_code) + "\0\0\0\1"s)), codec_error::truncated);
  EXPECT_EQ(error_of(decode_body(code(cancel_request_code) + "\0\0\0\1\0\0\0"s)), codec_error::truncated);
}

TEST(pg_startup, trailing_bytes) {
  EXPECT_EQ(error_of(decode_body(code(ssl_request_code) + "x")), codec_error::trailing_bytes);
  EXPECT_EQ(error_of(decode_body(code(gssenc_request_code) + "x")), codec_error::trailing_bytes);
  EXPECT_EQ(error_of(decode_body(code(cancel_request_code) + "\0\0\0\1\0\0\0\2x"s)),
            codec_error::trailing_bytes);
  EXPECT_EQ(error_of(decode_body(code(protocol_3_0) + "user\0u\0\0x"s)), codec_error::trailing_bytes);
}

TEST(pg_startup, missing_nul) {
  EXPECT_EQ(error_of(decode_body(code(protocol_3_0))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_body(code(protocol_3_0) + "user")), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_body(code(protocol_3_0) + "user\0u"s)), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_body(code(protocol_3_0) + "user\0u\0"s)), codec_error::missing_terminator);
}

TEST(pg_startup, an_empty_parameter_list_decodes) {
  auto p = decode_body(code(protocol_3_0) + "\0"s);
  ASSERT_TRUE(p);
  EXPECT_TRUE(std::get<startup_message>(*p).params.empty());
}

// PostgreSQL lets the last of two equal names win, while get() answers the
// first: a gateway checking one and forwarding both would be talked past.
TEST(pg_startup, a_repeated_parameter_name_is_refused) {
  EXPECT_EQ(error_of(decode_body(code(protocol_3_0) + "user\0alice\0user\0postgres\0\0"s)),
            codec_error::bad_value);
  EXPECT_EQ(error_of(decode_body(code(protocol_3_0) + "options\0\0user\0u\0options\0-c x=y\0\0"s)),
            codec_error::bad_value);
}

TEST(pg_startup, a_repeat_among_thousands_of_names_is_found) {
  std::string body = code(protocol_3_0);
  for (int i = 0; i < 3000; ++i) body += "p" + std::to_string(i) + "\0v\0"s;
  auto many = decode_body(body + "\0"s);
  ASSERT_TRUE(many);
  EXPECT_EQ(std::get<startup_message>(*many).params.size(), 3000u);
  EXPECT_EQ(error_of(decode_body(body + "p1234\0again\0\0"s)), codec_error::bad_value);
}

}  // namespace
}  // namespace gh::wire::pg::test
