// Frontend messages: captured ones decode to what libpq and psql sent,
// encoders give back the captured bytes or round-trip, malformed bodies are
// refused by name.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/pg/frontend.hpp"

namespace gh::wire::pg::test {
namespace {

using namespace std::string_literals;

// The single message of an encoder's output: type and body.
framed only_frame(const std::string& bytes) {
  grind_result g = grind(bytes, false, {});
  EXPECT_EQ(g.frames.size(), 1u);
  EXPECT_EQ(g.unconsumed, 0u);
  return g.frames.empty() ? framed{} : g.frames[0];
}

char type_of(std::string_view fixture) { return load_fixture(fixture).bytes.at(0); }

TEST(pg_frontend, query_from_psql) {
  EXPECT_EQ(type_of("fe_query"), fe::query);
  std::string body = body_of("fe_query");
  auto q = decode_query(bytes_of(body));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->sql, "SELECT 1 AS one, 'two' AS two;");
  std::string out;
  encode_query(out, q->sql);
  EXPECT_EQ(out, load_fixture("fe_query").bytes);
}

TEST(pg_frontend, parse_without_types_from_libpq) {
  EXPECT_EQ(type_of("fe_parse"), fe::parse);
  std::string body = body_of("fe_parse");
  auto p = decode_parse(bytes_of(body));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->statement, "");
  EXPECT_EQ(p->sql, "SELECT 1");
  EXPECT_EQ(p->param_count, 0);
  std::string out;
  encode_parse(out, p->statement, p->sql);
  EXPECT_EQ(out, load_fixture("fe_parse").bytes);
}

TEST(pg_frontend, parse_with_types_from_libpq) {
  std::string body = body_of("fe_parse_typed");
  auto p = decode_parse(bytes_of(body));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->statement, "typed");
  EXPECT_EQ(p->sql, "SELECT $1::int4 + $2");
  EXPECT_EQ(p->param_count, 2);
}

TEST(pg_frontend, bind_from_libpq) {
  EXPECT_EQ(type_of("fe_bind"), fe::bind);
  std::string body = body_of("fe_bind");
  auto b = decode_bind(bytes_of(body));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->portal, "");
  EXPECT_EQ(b->statement, "typed");
}

TEST(pg_frontend, describe_statement_and_portal_from_libpq) {
  std::string s = body_of("fe_describe_statement"), p = body_of("fe_describe_portal");
  auto ds = decode_describe(bytes_of(s));
  auto dp = decode_describe(bytes_of(p));
  ASSERT_TRUE(ds);
  ASSERT_TRUE(dp);
  EXPECT_EQ(ds->kind, 'S');
  EXPECT_EQ(ds->name, "typed");
  EXPECT_EQ(dp->kind, 'P');
  EXPECT_EQ(dp->name, "");
  EXPECT_EQ(type_of("fe_describe_portal"), fe::describe);
}

TEST(pg_frontend, execute_from_libpq) {
  std::string body = body_of("fe_execute");
  auto e = decode_execute(bytes_of(body));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->portal, "");
  EXPECT_EQ(e->max_rows, 0);
  std::string out;
  encode_execute(out, e->portal, e->max_rows);
  EXPECT_EQ(out, load_fixture("fe_execute").bytes);
}

TEST(pg_frontend, close_statement_and_portal) {
  std::string s = body_of("fe_close_statement"), p = body_of("fe_close_portal");
  auto cs = decode_close(bytes_of(s));
  auto cp = decode_close(bytes_of(p));
  ASSERT_TRUE(cs);
  ASSERT_TRUE(cp);
  EXPECT_EQ(cs->kind, 'S');
  EXPECT_EQ(cs->name, "gh_stmt");
  EXPECT_EQ(cp->kind, 'P');
  EXPECT_EQ(cp->name, "gh_portal");
  EXPECT_EQ(type_of("fe_close_portal"), fe::close);
}

TEST(pg_frontend, empty_messages_and_their_encoders) {
  for (auto [name, type] : {std::pair{"fe_sync", fe::sync}, {"fe_flush", fe::flush},
                            {"fe_terminate", fe::terminate}, {"fe_copy_done", fe::copy_done}}) {
    EXPECT_EQ(type_of(name), type) << name;
    EXPECT_EQ(body_of(name), "") << name;
  }
  std::string sync, terminate;
  encode_sync(sync);
  encode_terminate(terminate);
  EXPECT_EQ(sync, load_fixture("fe_sync").bytes);
  EXPECT_EQ(terminate, load_fixture("fe_terminate").bytes);
}

TEST(pg_frontend, copy_and_function_call_frame_with_their_types) {
  EXPECT_EQ(type_of("fe_copy_data"), fe::copy_data);
  EXPECT_EQ(body_of("fe_copy_data"), "1\tone\n2\ttwo\n\\.\n");
  EXPECT_EQ(type_of("fe_copy_fail"), fe::copy_fail);
  EXPECT_EQ(body_of("fe_copy_fail"), "client gave up\0"s);
  EXPECT_EQ(type_of("fe_function_call"), fe::function_call);
}

TEST(pg_frontend, passwords_from_psql) {
  std::string clear = body_of("fe_password_cleartext"), md5 = body_of("fe_password_md5");
  auto c = decode_password(bytes_of(clear));
  auto m = decode_password(bytes_of(md5));
  ASSERT_TRUE(c);
  ASSERT_TRUE(m);
  EXPECT_EQ(*c, "clear-secret");
  EXPECT_EQ(*m, "md513ae53fade5747c237a2bea856093997");
  std::string out;
  encode_password(out, *c);
  EXPECT_EQ(out, load_fixture("fe_password_cleartext").bytes);
}

TEST(pg_frontend, sasl_messages_encode_as_psql_sent_them) {
  std::string initial, response;
  encode_sasl_initial(initial, "SCRAM-SHA-256", "n,,n=,r=zd08PbSu+zld8Hqrjn0Tlkqu");
  EXPECT_EQ(initial, load_fixture("fe_sasl_initial_response").bytes);
  encode_sasl_response(response,
                       "c=biws,r=zd08PbSu+zld8Hqrjn0Tlkqu0TdkfQzci6sKAPmmoQKfJX0R,"
                       "p=S/O53lRsnt0YzlkgfBf1hdGCDAXafWYCSWFsJkjTRD8=");
  EXPECT_EQ(response, load_fixture("fe_sasl_response").bytes);
}

TEST(pg_frontend, encoders_round_trip_and_append) {
  std::string out;
  encode_query(out, "SELECT 'x'");
  encode_parse(out, "s1", "SELECT $1");
  encode_execute(out, "p1", 50);
  encode_password(out, "pw");
  grind_result g = grind(out, false, {});
  ASSERT_EQ(g.frames.size(), 4u);
  EXPECT_EQ(decode_query(bytes_of(g.frames[0].body))->sql, "SELECT 'x'");
  auto p = decode_parse(bytes_of(g.frames[1].body));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->statement, "s1");
  EXPECT_EQ(p->sql, "SELECT $1");
  auto e = decode_execute(bytes_of(g.frames[2].body));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->portal, "p1");
  EXPECT_EQ(e->max_rows, 50);
  EXPECT_EQ(*decode_password(bytes_of(g.frames[3].body)), "pw");
  EXPECT_EQ(only_frame([] { std::string s; encode_sasl_response(s, ""); return s; }()).body, "");
}

TEST(pg_frontend, missing_nul) {
  EXPECT_EQ(error_of(decode_query(bytes_of("SELECT 1"))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_query(bytes_view{})), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_parse(bytes_of("s"))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_parse(bytes_of("s\0SELECT"s))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_bind(bytes_of("p\0stmt"s))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_bind(bytes_view{})), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_describe(bytes_of("Sname"))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_execute(bytes_of("portal"))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_close(bytes_of("P"))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_password(bytes_of("secret"))), codec_error::missing_terminator);
}

TEST(pg_frontend, trailing_bytes) {
  EXPECT_EQ(error_of(decode_query(bytes_of("SELECT 1\0;"s))), codec_error::trailing_bytes);
  EXPECT_EQ(error_of(decode_describe(bytes_of("Sname\0x"s))), codec_error::trailing_bytes);
  EXPECT_EQ(error_of(decode_execute(bytes_of("\0\0\0\0\0\0"s))), codec_error::trailing_bytes);
  EXPECT_EQ(error_of(decode_close(bytes_of("Sn\0\0"s))), codec_error::trailing_bytes);
  EXPECT_EQ(error_of(decode_password(bytes_of("pw\0pw\0"s))), codec_error::trailing_bytes);
  EXPECT_EQ(error_of(decode_parse(bytes_of("s\0q\0\0\0\0\0\0\x17"s))), codec_error::trailing_bytes);
}

TEST(pg_frontend, truncated_fields) {
  EXPECT_EQ(error_of(decode_parse(bytes_of("s\0q\0"s))), codec_error::truncated);
  EXPECT_EQ(error_of(decode_parse(bytes_of("s\0q\0\0"s))), codec_error::truncated);
  EXPECT_EQ(error_of(decode_parse(bytes_of("s\0q\0\0\2\0\0\0\x17\0\0\0"s))), codec_error::truncated);
  EXPECT_EQ(error_of(decode_describe(bytes_view{})), codec_error::truncated);
  EXPECT_EQ(error_of(decode_close(bytes_view{})), codec_error::truncated);
  EXPECT_EQ(error_of(decode_execute(bytes_of("p\0\0\0\0"s))), codec_error::truncated);
}

TEST(pg_frontend, parse_with_a_negative_param_count_is_refused) {
  EXPECT_EQ(error_of(decode_parse(bytes_of("s\0q\0\xff\xff"s))), codec_error::bad_value);
  EXPECT_EQ(error_of(decode_parse(bytes_of("s\0q\0\x80\0"s))), codec_error::bad_value);
  auto one = decode_parse(bytes_of("s\0q\0\0\1\0\0\0\x17"s));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->param_count, 1);
}

TEST(pg_frontend, describe_and_close_know_only_statements_and_portals) {
  for (char k : {'s', 'p', 'X', '\0'}) {
    std::string body = std::string(1, k) + "n\0"s;
    EXPECT_EQ(error_of(decode_describe(bytes_of(body))), codec_error::bad_value) << int(k);
    EXPECT_EQ(error_of(decode_close(bytes_of(body))), codec_error::bad_value) << int(k);
  }
}

}  // namespace
}  // namespace gh::wire::pg::test
