#include "intake/json_escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace s1c::intake::internal {
namespace {

std::string Escape(std::string_view in) {
  std::string out;
  AppendJsonEscaped(out, in);
  return out;
}

TEST(JsonEscapeTest, PlainTextIsCopied) {
  EXPECT_EQ(Escape(""), "");
  EXPECT_EQ(Escape("abc {\"\"} 123"), "abc {\\\"\\\"} 123");
  EXPECT_EQ(Escape("{'a': [1, 2]} / ~"), "{'a': [1, 2]} / ~");
}

TEST(JsonEscapeTest, QuotesAndBackslashes) {
  EXPECT_EQ(Escape("\""), "\\\"");
  EXPECT_EQ(Escape("\\"), "\\\\");
  EXPECT_EQ(Escape("\\\""), "\\\\\\\"");
  EXPECT_EQ(Escape("C:\\Windows\\"), "C:\\\\Windows\\\\");
  EXPECT_EQ(Escape("\\u0041"), "\\\\u0041");  // Already-escaped text is escaped again.
}

TEST(JsonEscapeTest, ShortFormsForCommonControls) {
  EXPECT_EQ(Escape("\b\f\n\r\t"), "\\b\\f\\n\\r\\t");
}

TEST(JsonEscapeTest, OtherControlsUseLowerCaseUnicodeEscapes) {
  EXPECT_EQ(Escape(std::string_view("\0", 1)), "\\u0000");
  EXPECT_EQ(Escape("\x01"), "\\u0001");
  EXPECT_EQ(Escape("\x0b"), "\\u000b");
  EXPECT_EQ(Escape("\x1f"), "\\u001f");
  EXPECT_EQ(Escape(std::string_view("a\0b", 3)), "a\\u0000b");
}

TEST(JsonEscapeTest, DelAndHighBytesAreCopied) {
  EXPECT_EQ(Escape("\x7f"), "\x7f");
  EXPECT_EQ(Escape("caf\xc3\xa9 \xf0\x9f\x94\x92"), "caf\xc3\xa9 \xf0\x9f\x94\x92");
  // Not valid UTF-8, still copied byte for byte: the escaper does not judge.
  EXPECT_EQ(Escape("\xff\xfe\x80"), "\xff\xfe\x80");
  EXPECT_EQ(Escape("\xe2\x80\xa8\xe2\x80\xa9"), "\xe2\x80\xa8\xe2\x80\xa9");  // U+2028/9.
}

TEST(JsonEscapeTest, AppendsWithoutClearing) {
  std::string out = "prefix:";
  AppendJsonEscaped(out, "a\"b");
  AppendJsonEscaped(out, "\n");
  EXPECT_EQ(out, "prefix:a\\\"b\\n");
}

TEST(JsonEscapeTest, EveryAsciiByteRoundTripsThroughAJsonParser) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all += "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92";
  const std::string quoted = "\"" + Escape(all) + "\"";
  EXPECT_EQ(nlohmann::json::parse(quoted).get<std::string>(), all);
}

TEST(JsonEscapeTest, EscapingEscapesTheEscapes) {
  // A whole event escaped, then parsed back, is the original bytes.
  const std::string event =
      R"({"a":"x\"y","b":"line\nbreak","c":"\u00e9","d":12345678901234567890123,"e":[]})";
  EXPECT_EQ(nlohmann::json::parse("\"" + Escape(event) + "\"").get<std::string>(), event);
}

}  // namespace
}  // namespace s1c::intake::internal
