#include <gtest/gtest.h>

#include "identity/strict_json.hpp"

namespace gh::identity {
namespace {

constexpr json_limits small{1024, 3};

TEST(strict_json, accepts_plain_documents) {
  auto v = parse_strict_json_object(R"({"a":[1,{"b":"c"}],"d":null})", small);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->size(), 2u);
}

TEST(strict_json, duplicate_names_refused_at_any_depth) {
  EXPECT_FALSE(parse_strict_json(R"({"a":1,"a":1})", small));
  EXPECT_FALSE(parse_strict_json(R"({"x":{"a":1,"a":2}})", small));
  EXPECT_FALSE(parse_strict_json(R"([{"a":1,"b":2,"a":3}])", small));
  // Escapes spell the same name: still a duplicate.
  EXPECT_FALSE(parse_strict_json(R"({"sub":1,"s\u0075b":2})", small));
  // The same name in sibling objects is fine.
  EXPECT_TRUE(parse_strict_json(R"([{"a":1},{"a":2}])", small));
}

TEST(strict_json, limits_and_syntax) {
  EXPECT_FALSE(parse_strict_json("[[[[1]]]]", small));
  EXPECT_TRUE(parse_strict_json("[[[1]]]", small));
  EXPECT_FALSE(parse_strict_json(std::string(1025, ' '), small));
  EXPECT_FALSE(parse_strict_json("{\"a\":\"\xc3\"}", small));    // invalid UTF-8
  EXPECT_FALSE(parse_strict_json(R"({"a":1,})", small));         // trailing comma
  EXPECT_FALSE(parse_strict_json(R"({"a":1} /* c */)", small));  // comment
  EXPECT_FALSE(parse_strict_json(R"({"a":1}{"b":2})", small));
  EXPECT_FALSE(parse_strict_json_object("[]", small));
  EXPECT_FALSE(parse_strict_json("", small));
}

}  // namespace
}  // namespace gh::identity
