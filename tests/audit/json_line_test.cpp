#include "audit/json_line.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sample_events.hpp"

namespace gh::audit {
namespace {

TEST(json_line, statement_with_its_outcome) {
  event s = testing::sample_statement(1);
  search_row row{42, s, testing::sample_outcome(s, 412, 1)};
  EXPECT_EQ(to_json_line(row),
            R"({"seq":42,"time":"2026-11-24T09:57:56.124456Z","kind":"statement",)"
            R"("principal":"chatgpt-agent","session":"s-1f3a","client":"10.0.0.7:51234",)"
            R"("connection":"app","statement":"select * from public.orders where id = 1",)"
            R"("class":"read","tables":["public.orders"],"decision":"allow","rule":"agents-read",)"
            R"("reviewer":null,"statement_id":"s-1f3a/1","outcome":"ok","duration_ms":0.412,)"
            R"("rows":1,"error":null})");
}

TEST(json_line, refused_statement_not_yet_in_the_store) {
  event s = testing::sample_statement(2);
  s.decision = "deny";
  s.error = "42501 write is not allowed";
  s.statement = "delete from t\n\"x\"";
  s.statement_length = 900000;
  auto v = boost::json::parse(to_json_line({std::nullopt, s, std::nullopt})).as_object();
  EXPECT_TRUE(v.at("seq").is_null());
  EXPECT_EQ(v.at("statement").as_string(), "delete from t\n\"x\"");
  EXPECT_EQ(v.at("statement_length").as_int64(), 900000);
  EXPECT_TRUE(v.at("outcome").is_null());
  EXPECT_TRUE(v.at("duration_ms").is_null());
  EXPECT_TRUE(v.at("rows").is_null());
  EXPECT_EQ(v.at("error").as_string(), "42501 write is not allowed");
}

TEST(json_line, one_line_of_valid_json_whatever_the_bytes) {
  event s = testing::sample_statement(3);
  s.statement = "select '\xFF\xC3(\xE0\x80\x80\xED\xA0\x80' \n\r\t\x1b[31m";
  s.principal = "\xF4\x90\x80\x80";
  std::string line = to_json_line({1, s, std::nullopt});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  ASSERT_FALSE(ec) << line;
  EXPECT_EQ(valid_utf8("ok é €"), "ok é €");
  EXPECT_EQ(valid_utf8("\xC3("), "\xEF\xBF\xBD(");
}

}  // namespace
}  // namespace gh::audit
