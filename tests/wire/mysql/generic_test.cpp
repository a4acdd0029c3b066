// OK, ERR and EOF packets: captured ones decode, the gateway's own encode.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/mysql/generic.hpp"

namespace gh::wire::mysql::test {
namespace {

const capabilities session = cap::protocol_41 | cap::transactions | cap::session_track;

TEST(mysql_generic, ok_with_session_state_and_affected_rows) {
  const auto p = payloads_of("be_ok_session_state");
  ASSERT_EQ(p.size(), 1u);
  const auto ok = decode_ok(bytes_of(p[0]), session);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->status & status::session_state_changed);
  const auto changes = decode_session_state(ok->session_state);
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].type, session_track::schema);  // the database it switched to
  EXPECT_EQ((*changes)[0].name, "gh");
  const std::string vars("\x00\x0e\x08sql_mode\x04" "ANSI\x05\x02\x01T", 20);
  const auto v = decode_session_state(vars);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].type, session_track::system_variables);
  EXPECT_EQ((*v)[0].name, "sql_mode");
  EXPECT_EQ((*v)[0].value, "ANSI");
  EXPECT_EQ((*v)[1].type, session_track::transaction_state);
  EXPECT_FALSE(decode_session_state(std::string("\x01\x05\x02gh", 5)));  // runs past its data

  const std::string affected = payloads_of("be_ok_affected_rows")[0];
  const auto a = decode_ok(bytes_of(affected), session);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->affected_rows, 1u);
  EXPECT_TRUE(a->status & status::autocommit);
}

TEST(mysql_generic, err_with_sqlstate) {
  const std::string payload = payloads_of("be_err")[0];
  const auto e = decode_err(bytes_of(payload));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, 1054);
  EXPECT_EQ(e->sqlstate, "42S22");
  EXPECT_EQ(e->message, "Unknown column 'nope' in 'SELECT'");
  // Before the handshake response the server has no marker to send.
  const std::string bare_payload("\xff\x10\x04Too many connections");
  const auto bare = decode_err(bytes_of(bare_payload));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->code, 1040);
  EXPECT_EQ(bare->sqlstate, "");
  EXPECT_EQ(bare->message, "Too many connections");
}

TEST(mysql_generic, eof_and_what_is_eof_like) {
  const std::string eof = payloads_of("be_eof_set_option")[0];
  EXPECT_TRUE(is_eof_like(bytes_of(eof)));
  const auto e = decode_eof(bytes_of(eof));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->status & status::autocommit);
  EXPECT_FALSE(decode_eof(bytes_of(std::string(9, '\xfe'))));
  EXPECT_FALSE(is_eof_like(bytes_of(std::string("\x00", 1))));
}

TEST(mysql_generic, the_gateway_refusal_encodes_as_clients_read_it) {
  std::string p;
  encode_err_payload(p, {1142, "42000", "gatehouse: write statement refused"});
  EXPECT_EQ(p, std::string("\xff\x76\x04#42000gatehouse: write statement refused"));
  const auto back = decode_err(bytes_of(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->code, 1142);
  EXPECT_EQ(back->sqlstate, "42000");
}

TEST(mysql_generic, ok_and_eof_round_trip) {
  for (capabilities caps : {session, cap::protocol_41, cap::transactions, capabilities{0}}) {
    ok_packet ok;
    ok.affected_rows = 300;
    ok.last_insert_id = 1ull << 40;
    ok.status = (caps & cap::session_track) ? (status::autocommit | status::session_state_changed)
                                            : status::autocommit;
    ok.warnings = (caps & cap::protocol_41) ? 2 : 0;
    ok.info = "Rows matched: 1";
    ok.session_state = (caps & cap::session_track) ? "\x01\x03\x02gh" : "";
    std::string p;
    encode_ok_payload(p, ok, caps);
    const auto back = decode_ok(bytes_of(p), caps);
    ASSERT_TRUE(back) << caps;
    EXPECT_EQ(back->affected_rows, ok.affected_rows);
    EXPECT_EQ(back->last_insert_id, ok.last_insert_id);
    if (caps & (cap::protocol_41 | cap::transactions)) EXPECT_EQ(back->status, ok.status);
    EXPECT_EQ(back->warnings, ok.warnings);
    EXPECT_EQ(back->info, ok.info);
    EXPECT_EQ(back->session_state, ok.session_state);
  }
  std::string p;
  encode_eof_payload(p, {3, status::more_results_exists});
  EXPECT_EQ(decode_eof(bytes_of(p))->status, status::more_results_exists);
}

TEST(mysql_generic, truncations_fail_cleanly) {
  for (const char* name : {"be_ok_session_state", "be_err", "be_eof_set_option"}) {
    const std::string p = payloads_of(name)[0];
    for (std::size_t n = 0; n + 1 < p.size(); ++n) {
      const std::string cut = p.substr(0, n);
      (void)decode_ok(bytes_of(cut), session);
      (void)decode_err(bytes_of(cut));
      (void)decode_eof(bytes_of(cut));
    }
  }
  EXPECT_FALSE(decode_ok(bytes_of(std::string("\x00\xfc\x01", 3)), session));
}

}  // namespace
}  // namespace gh::wire::mysql::test
