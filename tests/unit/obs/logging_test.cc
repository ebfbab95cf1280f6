#include "s1c/obs/logging.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace s1c::obs {
namespace {

TEST(JsonEscapeTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonEscape("a\"b\\c\nd\te\x01"), "a\\\"b\\\\c\\nd\\te\\u0001");
}

TEST(JsonEscapeTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonEscape("Soci\xc3\xa9t\xc3\xa9"), "Soci\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(JsonEscape("bad \xff byte, cut \xc3"), "bad \\ufffd byte, cut \\ufffd");
  // Whatever the message holds, the log line stays parseable JSON.
  const std::string line = "{\"msg\":\"" + JsonEscape("x\xc0\xaf\xf8\x80y\"\n") + "\"}";
  EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line;
}

}  // namespace
}  // namespace s1c::obs
