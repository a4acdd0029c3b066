// Data connection messages: round trips, and the checks that keep a
// connector from slipping anything but a greeting to a client.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/connector/data.hpp"
#include "wire/connector/framing.hpp"

namespace gh::wire::connector::test {
namespace {

template <class R>
std::optional<codec_error> error_of(const R& r) {
  if (r) return std::nullopt;
  return r.error();
}

TEST(connector_data, data_hello_round_trips) {
  auto m = decode_data_hello(as_bytes(body_of("data")));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->session_id, *parse_hex("5a17c0ffee0123456789abcdef001122"));
  EXPECT_EQ(m->nonce.size(), 32u);
  std::string out;
  ASSERT_TRUE(encode_data_hello(out, *m));
  EXPECT_EQ(out, load_fixture("data").bytes);
}

TEST(connector_data, ready_round_trips) {
  auto m = decode_ready(as_bytes(body_of("ready")));
  ASSERT_TRUE(m) << describe(m.error());
  EXPECT_EQ(m->pid, 12345);
  EXPECT_EQ(m->secret, static_cast<std::int32_t>(0xdeadbeef));
  EXPECT_EQ(m->tx_status, 'I');
  EXPECT_EQ(m->greeting.size(), 43u);
  std::string out;
  ASSERT_TRUE(encode_ready(out, *m));
  EXPECT_EQ(out, load_fixture("ready").bytes);
}

TEST(connector_data, failed_round_trips) {
  auto m = decode_failed(as_bytes(body_of("failed")));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->sqlstate, "08004");
  EXPECT_EQ(m->message, "the database refused the gateway's credentials for connection \"far\"");
  std::string out;
  ASSERT_TRUE(encode_failed(out, *m));
  EXPECT_EQ(out, load_fixture("failed").bytes);
}

TEST(connector_data, every_truncated_body_is_refused) {
  for (auto [name, decode] : std::initializer_list<std::pair<const char*, bool (*)(bytes_view)>>{
           {"data", [](bytes_view b) { return bool(decode_data_hello(b)); }},
           {"ready", [](bytes_view b) { return bool(decode_ready(b)); }},
           {"failed", [](bytes_view b) { return bool(decode_failed(b)); }}}) {
    std::string body = body_of(name);
    for (std::size_t n = 0; n < body.size(); ++n)
      EXPECT_FALSE(decode(as_bytes(std::string_view(body).substr(0, n)))) << name << " cut to " << n;
    EXPECT_FALSE(decode(as_bytes(body + std::string(1, '\0')))) << name << " with a trailing byte";
  }
}

TEST(connector_data, the_greeting_holds_only_parameter_status_and_notices) {
  // A ReadyForQuery or an AuthenticationOk smuggled into the greeting would
  // reach the client as the gateway's own words: refused both ways.
  ready m = *decode_ready(as_bytes(body_of("ready")));
  ready smuggled = m;
  smuggled.greeting += std::string("Z\0\0\0\x05I", 6);
  std::string out;
  EXPECT_FALSE(encode_ready(out, smuggled));
  std::string body;
  put_be32(body, static_cast<std::uint32_t>(smuggled.greeting.size()));
  body += smuggled.greeting;
  body += std::string("\0\0\0\1\0\0\0\2I", 9);
  EXPECT_EQ(error_of(decode_ready(as_bytes(body))), codec_error::bad_value);
  // A message cut short inside the greeting.
  ready cut = m;
  cut.greeting.pop_back();
  EXPECT_FALSE(encode_ready(out, cut));
  EXPECT_TRUE(valid_greeting({}));
  EXPECT_TRUE(valid_greeting(as_bytes(std::string("N\0\0\0\x05\0", 6))));
}

TEST(connector_data, tx_status_and_sqlstate_are_checked) {
  ready m = *decode_ready(as_bytes(body_of("ready")));
  m.tx_status = 'X';
  std::string out;
  EXPECT_FALSE(encode_ready(out, m));
  std::string body = body_of("ready");
  body.back() = 'X';
  EXPECT_EQ(error_of(decode_ready(as_bytes(body))), codec_error::bad_value);
  EXPECT_FALSE(encode_failed(out, {"0800", "short"}));
  EXPECT_FALSE(encode_failed(out, {"08oo4", "lower case"}));
  EXPECT_FALSE(encode_failed(out, {"08004", std::string("nul\0", 4)}));
  EXPECT_EQ(out, "");
}

TEST(connector_data, ids_must_not_be_all_zero) {
  std::string body(16 + 32, '\0');
  EXPECT_EQ(error_of(decode_data_hello(as_bytes(body))), codec_error::bad_value);
  std::string out;
  EXPECT_FALSE(encode_data_hello(out, {std::string(15, 'x'), std::string(32, 'y')}));
}

}  // namespace
}  // namespace gh::wire::connector::test
