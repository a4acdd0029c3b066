// Backend messages: captured ones decode to what PostgreSQL 15 sent, the
// gateway's encoders give back PostgreSQL's own bytes, malformed bodies are
// refused by name.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "wire/pg/backend.hpp"

namespace gh::wire::pg::test {
namespace {

using namespace std::string_literals;

expected<auth_request, codec_error> auth_of(const std::string& body) { return decode_auth(bytes_of(body)); }

char type_of(std::string_view fixture) { return load_fixture(fixture).bytes.at(0); }

TEST(pg_backend, authentication_requests_from_postgres) {
  std::string ok = body_of("be_auth_ok"), clear = body_of("be_auth_cleartext"), md5 = body_of("be_auth_md5");
  EXPECT_EQ(type_of("be_auth_ok"), be::authentication);
  ASSERT_TRUE(auth_of(ok));
  EXPECT_EQ(auth_of(ok)->code, auth_code::ok);
  EXPECT_EQ(auth_of(ok)->data, "");
  EXPECT_EQ(auth_of(clear)->code, auth_code::cleartext);
  ASSERT_TRUE(auth_of(md5));
  EXPECT_EQ(auth_of(md5)->code, auth_code::md5);
  EXPECT_EQ(auth_of(md5)->data, "\xd2\x7c\x2f\xd4");

  std::string out;
  encode_auth_ok(out);
  EXPECT_EQ(out, load_fixture("be_auth_ok").bytes);
  out.clear();
  encode_auth_cleartext(out);
  EXPECT_EQ(out, load_fixture("be_auth_cleartext").bytes);
}

TEST(pg_backend, sasl_requests_from_postgres) {
  std::string sasl = body_of("be_auth_sasl"), cont = body_of("be_auth_sasl_continue"),
              fin = body_of("be_auth_sasl_final");
  auto s = auth_of(sasl);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->code, auth_code::sasl);
  EXPECT_EQ(sasl_mechanisms(s->data), std::vector<std::string_view>{"SCRAM-SHA-256"});
  auto c = auth_of(cont);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->code, auth_code::sasl_continue);
  EXPECT_EQ(c->data, "r=zd08PbSu+zld8Hqrjn0Tlkqu0TdkfQzci6sKAPmmoQKfJX0R,s=plAqJEj3jeXlHqV8C+dCwA==,i=4096");
  auto f = auth_of(fin);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, auth_code::sasl_final);
  EXPECT_EQ(f->data, "v=LhEsQKMUoZDTIiqxt5hSvUXiV7WQpfWyJ6GoXAE084Y=");
}

TEST(pg_backend, sasl_mechanism_lists) {
  EXPECT_EQ(sasl_mechanisms("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0"s),
            (std::vector<std::string_view>{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}));
  EXPECT_EQ(sasl_mechanisms("A\0B"s), std::vector<std::string_view>{"A"});
  EXPECT_TRUE(sasl_mechanisms("").empty());
  EXPECT_TRUE(sasl_mechanisms("\0A\0\0"s).empty());
}

TEST(pg_backend, auth_refusals) {
  EXPECT_EQ(error_of(auth_of("")), codec_error::truncated);
  EXPECT_EQ(error_of(auth_of("\0\0\0"s)), codec_error::truncated);
  EXPECT_EQ(error_of(auth_of("\0\0\0\5\1\2\3"s)), codec_error::bad_value) << "md5 salt of 3 bytes";
  EXPECT_EQ(error_of(auth_of("\0\0\0\5\1\2\3\4\5"s)), codec_error::bad_value) << "md5 salt of 5 bytes";
  EXPECT_EQ(error_of(auth_of("\0\0\0\5"s)), codec_error::bad_value) << "md5 without salt";
  EXPECT_EQ(error_of(auth_of("\0\0\0\0x"s)), codec_error::trailing_bytes) << "AuthenticationOk with data";
  EXPECT_EQ(error_of(auth_of("\0\0\0\3x"s)), codec_error::trailing_bytes) << "cleartext with data";
}

TEST(pg_backend, parameter_status_from_postgres) {
  std::string body = body_of("be_parameter_status");
  auto p = decode_parameter_status(bytes_of(body));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first, "application_name");
  EXPECT_EQ(p->second, "gh_psql_simple");
  std::string out;
  encode_parameter_status(out, p->first, p->second);
  EXPECT_EQ(out, load_fixture("be_parameter_status").bytes);
  EXPECT_EQ(error_of(decode_parameter_status(bytes_of("name\0value"s))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_parameter_status(bytes_of("n\0v\0x"s))), codec_error::trailing_bytes);
}

TEST(pg_backend, backend_key_data_from_postgres) {
  std::string body = body_of("be_backend_key_data");
  auto k = decode_backend_key_data(bytes_of(body));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->first, 0x38d5);
  EXPECT_EQ(k->second, static_cast<std::int32_t>(0xfdcbca22u));
  std::string out;
  encode_backend_key_data(out, k->first, k->second);
  EXPECT_EQ(out, load_fixture("be_backend_key_data").bytes);
  EXPECT_EQ(error_of(decode_backend_key_data(bytes_of("\0\0\0\1\0\0\0"s))), codec_error::truncated);
  EXPECT_EQ(error_of(decode_backend_key_data(bytes_of("\0\0\0\1\0\0\0\2\0"s))), codec_error::trailing_bytes);
}

TEST(pg_backend, ready_for_query_in_each_state) {
  for (auto [name, status] : {std::pair{"be_ready_for_query_idle", 'I'},
                              {"be_ready_for_query_in_transaction", 'T'},
                              {"be_ready_for_query_failed_transaction", 'E'}}) {
    std::string body = body_of(name);
    auto s = decode_ready_for_query(bytes_of(body));
    ASSERT_TRUE(s) << name;
    EXPECT_EQ(*s, status);
    std::string out;
    encode_ready_for_query(out, status);
    EXPECT_EQ(out, load_fixture(name).bytes);
  }
}

TEST(pg_backend, ready_for_query_with_a_bad_status_is_refused) {
  for (std::string body : {"X"s, "i"s, "\0"s, ""s, "II"s})
    EXPECT_EQ(error_of(decode_ready_for_query(bytes_of(body))), codec_error::bad_value) << body;
}

TEST(pg_backend, error_response_from_postgres) {
  std::string body = body_of("be_error_response");
  auto n = decode_notice(bytes_of(body));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->severity(), "ERROR");
  EXPECT_EQ(n->sqlstate(), "22012");
  EXPECT_EQ(n->message(), "division by zero");
  EXPECT_EQ(n->get('R'), "int4div");
  EXPECT_EQ(n->get('D'), "");
  EXPECT_EQ(n->fields.size(), 7u);
  EXPECT_EQ(n->fields.front().first, 'S');
}

TEST(pg_backend, notice_response_from_postgres) {
  EXPECT_EQ(type_of("be_notice_response"), be::notice_response);
  std::string body = body_of("be_notice_response");
  auto n = decode_notice(bytes_of(body));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->severity(), "NOTICE");
  EXPECT_EQ(n->sqlstate(), "00000");
  EXPECT_EQ(n->message(), "gh notice");
  EXPECT_EQ(n->get('W'), "PL/pgSQL function inline_code_block line 1 at RAISE");
}

TEST(pg_backend, notice_refusals) {
  EXPECT_EQ(error_of(decode_notice(bytes_view{})), codec_error::truncated);
  EXPECT_EQ(error_of(decode_notice(bytes_of("SERROR\0"s))), codec_error::truncated) << "no final 0";
  EXPECT_EQ(error_of(decode_notice(bytes_of("SERROR"s))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_notice(bytes_of("SERROR\0\0x"s))), codec_error::trailing_bytes);
  auto empty = decode_notice(bytes_of("\0"s));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->fields.empty());
  EXPECT_EQ(empty->severity(), "");
}

TEST(pg_backend, the_gateways_errors_and_notices_round_trip) {
  notice n{"FATAL", "42501", "write refused by rule agents-read", "class: write", "gatehouse grant request"};
  std::string out;
  encode_error(out, n);
  n.severity = "NOTICE";
  n.detail.clear();
  encode_notice(out, n);
  grind_result g = grind(out, false, {});
  ASSERT_EQ(g.frames.size(), 2u);
  EXPECT_EQ(g.frames[0].type, be::error_response);
  EXPECT_EQ(g.frames[1].type, be::notice_response);
  auto e = decode_notice(bytes_of(g.frames[0].body));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->get('S'), "FATAL");
  EXPECT_EQ(e->severity(), "FATAL");
  EXPECT_EQ(e->sqlstate(), "42501");
  EXPECT_EQ(e->message(), "write refused by rule agents-read");
  EXPECT_EQ(e->get('D'), "class: write");
  EXPECT_EQ(e->get('H'), "gatehouse grant request");
  auto w = decode_notice(bytes_of(g.frames[1].body));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->severity(), "NOTICE");
  EXPECT_EQ(w->get('D'), "");
}

TEST(pg_backend, a_nul_inside_a_notice_field_is_cut_not_sent) {
  std::string out;
  encode_error(out, notice{"ERROR", "42501", "denied\0M forged"s, "", ""});
  grind_result g = grind(out, false, {});
  ASSERT_EQ(g.frames.size(), 1u);
  auto e = decode_notice(bytes_of(g.frames[0].body));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message(), "denied");
  EXPECT_EQ(e->fields.size(), 4u);
}

TEST(pg_backend, command_complete_from_postgres) {
  std::string body = body_of("be_command_complete");
  auto t = decode_command_complete(bytes_of(body));
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, "SELECT 1");
  EXPECT_EQ(rows_from_tag(*t), 1);
  EXPECT_EQ(error_of(decode_command_complete(bytes_of("SELECT 1"s))), codec_error::missing_terminator);
  EXPECT_EQ(error_of(decode_command_complete(bytes_of("SELECT 1\0\0"s))), codec_error::trailing_bytes);
}

TEST(pg_backend, rows_from_tag) {
  const std::pair<const char*, std::int64_t> cases[] = {
      {"SELECT 5", 5}, {"INSERT 0 5", 5}, {"INSERT 0 1", 1}, {"UPDATE 7", 7}, {"DELETE 0", 0},
      {"MERGE 3", 3}, {"FETCH 2", 2}, {"MOVE 4", 4}, {"COPY 10", 10}, {"SELECT 007", 7},
      {"SELECT 9223372036854775807", 9223372036854775807}, {"SELECT 9223372036854775808", -1},
      {"BEGIN", -1}, {"CREATE TABLE", -1}, {"", -1}, {"SELECT ", -1}, {"SELECT 1 ", -1},
      {"SELECT -5", -1}, {"INSERT 0 -1", -1}, {"SELECT +5", -1}, {"SELECT 5x", -1}, {" 5", 5},
  };
  for (auto [tag, rows] : cases) EXPECT_EQ(rows_from_tag(tag), rows) << '"' << tag << '"';
}

// PostgreSQL 15 puts its newest full protocol version (3.0 = 0x00030000) in
// the first field, and libpq reads it so; the gateway must say the same.
TEST(pg_backend, negotiate_protocol_version_as_postgres_sends_it) {
  std::string out;
  encode_negotiate_protocol(out, 0, {"_pq_.gh_option"});
  EXPECT_EQ(out, load_fixture("be_negotiate_protocol_version").bytes);
  std::string none;
  encode_negotiate_protocol(none, 0, {});
  EXPECT_EQ(none, "v\0\0\0\x0c\0\3\0\0\0\0\0\0"s);
}

TEST(pg_backend, passed_through_kinds_keep_their_types) {
  EXPECT_EQ(type_of("be_row_description"), be::row_description);
  EXPECT_EQ(type_of("be_data_row"), be::data_row);
  EXPECT_EQ(type_of("be_negotiate_protocol_version"), be::negotiate_protocol);
  EXPECT_EQ(type_of("be_parse_complete"), be::parse_complete);
  EXPECT_EQ(type_of("be_copy_in_response"), be::copy_in);
  EXPECT_EQ(type_of("be_notification_response"), be::notification);
}

}  // namespace
}  // namespace gh::wire::pg::test
