// Control messages: fixtures decode to the values they describe, the values
// encode to the fixtures, and what the protocol forbids is refused.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/connector/control.hpp"
#include "wire/connector/framing.hpp"

namespace gh::wire::connector::test {
namespace {

const std::string sid = *parse_hex("5a17c0ffee0123456789abcdef001122");
const std::string nonce = *parse_hex("00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0");

open_request sample_open() {
  return {sid, nonce, "far", true, {{"application_name", "psql"}, {"search_path", "app, public"}}};
}

template <class R>
std::optional<codec_error> error_of(const R& r) {
  if (r) return std::nullopt;
  return r.error();
}

TEST(connector_control, hello_round_trips) {
  auto m = decode_hello(as_bytes(body_of("hello")));
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, (hello{"east", "test-token-not-a-secret"}));
  std::string out;
  ASSERT_TRUE(encode_hello(out, *m));
  EXPECT_EQ(out, load_fixture("hello").bytes);
}

TEST(connector_control, welcome_heartbeat_refused_round_trip) {
  std::string out;
  encode_welcome(out);
  EXPECT_EQ(out, load_fixture("welcome").bytes);
  EXPECT_TRUE(decode_welcome(as_bytes(body_of("welcome"))));
  out.clear();
  encode_heartbeat(out);
  EXPECT_EQ(out, load_fixture("heartbeat").bytes);
  EXPECT_TRUE(decode_heartbeat(as_bytes(body_of("heartbeat"))));
  auto r = decode_refused(as_bytes(body_of("refused")));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "unknown connector name or wrong token");
  out.clear();
  ASSERT_TRUE(encode_refused(out, *r));
  EXPECT_EQ(out, load_fixture("refused").bytes);
  EXPECT_EQ(error_of(decode_heartbeat(as_bytes(std::string("x")))), codec_error::trailing_bytes);
}

TEST(connector_control, open_round_trips) {
  auto m = decode_open(as_bytes(body_of("open")));
  ASSERT_TRUE(m) << describe(m.error());
  EXPECT_EQ(*m, sample_open());
  std::string out;
  ASSERT_TRUE(encode_open(out, *m));
  EXPECT_EQ(out, load_fixture("open").bytes);
}

TEST(connector_control, cancel_round_trips) {
  auto m = decode_cancel(as_bytes(body_of("cancel")));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->session_id, sid);
  std::string out;
  ASSERT_TRUE(encode_cancel(out, *m));
  EXPECT_EQ(out, load_fixture("cancel").bytes);
}

// Every strict prefix of a body is refused: no field is ever read past the
// end of its frame, and no prefix happens to be a valid message.
TEST(connector_control, every_truncated_body_is_refused) {
  for (auto [name, decode] : std::initializer_list<std::pair<const char*, bool (*)(bytes_view)>>{
           {"hello", [](bytes_view b) { return bool(decode_hello(b)); }},
           {"refused", [](bytes_view b) { return bool(decode_refused(b)); }},
           {"open", [](bytes_view b) { return bool(decode_open(b)); }},
           {"cancel", [](bytes_view b) { return bool(decode_cancel(b)); }}}) {
    std::string body = body_of(name);
    for (std::size_t n = 0; n < body.size(); ++n)
      EXPECT_FALSE(decode(as_bytes(std::string_view(body).substr(0, n)))) << name << " cut to " << n;
    EXPECT_FALSE(decode(as_bytes(body + std::string(1, '\0')))) << name << " with a trailing byte";
  }
}

TEST(connector_control, open_refuses_what_a_database_must_never_get) {
  std::string out;
  open_request m = sample_open();
  m.params.push_back({"options", std::string("-c\0x", 4)});  // a NUL would split the startup packet
  EXPECT_FALSE(encode_open(out, m));
  m = sample_open();
  m.params.push_back({"", "x"});
  EXPECT_FALSE(encode_open(out, m));
  m = sample_open();
  m.session_id = std::string(16, '\0');  // "no session"
  EXPECT_FALSE(encode_open(out, m));
  m = sample_open();
  m.nonce.pop_back();
  EXPECT_FALSE(encode_open(out, m));
  m = sample_open();
  m.connection.clear();
  EXPECT_FALSE(encode_open(out, m));
  m = sample_open();
  m.params.push_back({"application_name", std::string(70000, 'a')});  // over a text field's length
  EXPECT_FALSE(encode_open(out, m));
  EXPECT_EQ(out, "");  // nothing appended by any refusal

  // And on the way in: a read-only byte other than 0 or 1, a NUL in text.
  std::string body = body_of("open");
  std::string bad_ro = body;
  bad_ro[16 + 32 + 5] = '\x02';
  EXPECT_EQ(error_of(decode_open(as_bytes(bad_ro))), codec_error::bad_value);
  std::string nul = body;
  nul[16 + 32 + 2] = '\0';  // inside "far"
  EXPECT_EQ(error_of(decode_open(as_bytes(nul))), codec_error::bad_value);
  std::string zero_id = std::string(16, '\0') + body.substr(16);
  EXPECT_EQ(error_of(decode_open(as_bytes(zero_id))), codec_error::bad_value);
}

TEST(connector_control, a_huge_parameter_count_costs_nothing) {
  // Claims 65535 params, holds none: refused as truncated after the first.
  std::string body = sid + nonce;
  put_be16(body, 3);
  body += "far";
  body += '\x01';
  put_be16(body, 0xffff);
  auto m = decode_open(as_bytes(body));
  EXPECT_EQ(error_of(m), codec_error::truncated);
}

TEST(connector_control, hello_needs_a_name_and_a_token_and_stays_small) {
  std::string out;
  EXPECT_TRUE(encode_hello(out, {"east", "t"}));
  std::string empty_name;
  put_be16(empty_name, 0);
  put_be16(empty_name, 1);
  empty_name += "t";
  EXPECT_EQ(error_of(decode_hello(as_bytes(empty_name))), codec_error::bad_value);
  out.clear();
  EXPECT_FALSE(encode_hello(out, {"east", std::string(hello_body_max, 't')}));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace gh::wire::connector::test
