#include "json_scan.h"

#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>
#include <string>

namespace s1c::s1::json_scan {
namespace {

// Validates `text` as one JSON value with nothing but whitespace around it.
bool Accepts(std::string_view text) {
  Scanner s(text);
  s.SkipWhitespace();
  if (!s.ScanValue(0)) return false;
  s.SkipWhitespace();
  return s.AtEnd();
}

// Strings long enough for the vector scan, which passes bytes >= 0x80 and
// checks the string as UTF-8 at its end: every kind of sequence, well-formed
// or not, at every offset around the 16-byte blocks, against nlohmann.
TEST(JsonScanTest, AgreesWithNlohmannOnUtf8InLongStrings) {
  const std::array<std::string, 14> sequences = {
      "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xed\x9f\xbf",    "\xc3",
      "\xe2\x82", "\xff",         "\xc0\xaf",         "\xed\xa0\x80",    "\xf4\x90\x80\x80",
      "\x80",     "\xe0\x80\xaf", "\xf0\x9f\x98",     "\\u00e9\xc3\xa9",
  };
  for (const std::string& seq : sequences) {
    for (size_t before = 0; before < 40; ++before) {
      for (const size_t after :
           {size_t{0}, size_t{1}, size_t{7}, size_t{15}, size_t{16}, size_t{33}}) {
        const std::string text =
            "[\"" + std::string(before, 'a') + seq + std::string(after, 'b') + "\",1]";
        ASSERT_EQ(Accepts(text), nlohmann::json::accept(text))
            << "sequence " << testing::PrintToString(seq) << " after " << before << " bytes";
      }
    }
  }
}

TEST(JsonScanTest, InvalidUtf8InALongStringIsReportedWhereItIs) {
  const std::string text = "{\"key\":\"" + std::string(40, 'x') + "\xc3\xa9" +
                           std::string(10, 'y') + "\xff" + std::string(30, 'z') + "\"}";
  Scanner s(text);
  ASSERT_FALSE(s.ScanValue(0));
  EXPECT_STREQ(s.error(), "invalid UTF-8 in a string");
  EXPECT_EQ(s.error_offset(), text.find('\xff'));
}

TEST(JsonScanTest, AgreesWithNlohmannOnSmallDocuments) {
  const char* cases[] = {
      "{}",
      "[]",
      "0",
      "-0",
      "1.5e10",
      "-1.0E-3",
      "1E+2",
      "true",
      "false",
      "null",
      "\"\"",
      "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\"",
      "{\"a\":[1,2,{\"b\":null}]}",
      " { \"a\" : 1 } ",
      "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
      // Rejected:
      "",
      " ",
      "{",
      "}",
      "[1,]",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "{a:1}",
      "01",
      "1.",
      ".5",
      "-",
      "1e",
      "+1",
      "tru",
      "nul",
      "True",
      "\"abc",
      "\"\\x\"",
      "\"\\u12\"",
      "\"\\u12G4\"",
      "\"a\nb\"",
      "\"\x01\"",
      "\"\xff\"",
      "\"\xc0\xaf\"",
      "\"\xed\xa0\x80\"",
      "\"\xf4\x90\x80\x80\"",
      "\"\xe2\x82\"",
      "[1 2]",
      "{\"a\":1 \"b\":2}",
      "1 2",
      "{}x",
      "[",
      "[[]",
      "NaN",
      "Infinity",
      "'a'",
      "{\"a\":01}",
  };
  for (const char* c : cases) {
    const bool expected = nlohmann::json::accept(c);
    EXPECT_EQ(Accepts(c), expected) << "input: " << c;
  }
}

TEST(JsonScanTest, ReportsTruncationAndOffset) {
  Scanner s("{\"a\":[1,2");
  EXPECT_FALSE(s.ScanValue(0));
  EXPECT_TRUE(s.truncated());
  EXPECT_EQ(s.error_offset(), 9u);

  Scanner bad("{\"a\":x}");
  EXPECT_FALSE(bad.ScanValue(0));
  EXPECT_FALSE(bad.truncated());
  EXPECT_EQ(bad.error_offset(), 5u);
  EXPECT_STREQ(bad.error(), "expected a value");
}

TEST(JsonScanTest, NestingLimit) {
  const auto nested = [](int n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_TRUE(Accepts(nested(kMaxDepth)));
  EXPECT_FALSE(Accepts(nested(kMaxDepth + 1)));
  // Far deeper than any stack would allow if the depth were not bounded.
  const std::string deep(1000000, '[');
  Scanner s(deep);
  EXPECT_FALSE(s.ScanValue(0));
  EXPECT_STREQ(s.error(), "nesting too deep");
}

TEST(JsonScanTest, FindsPointersFirstMatchWins) {
  const std::string doc =
      R"({"id":"first","x":{"id":"nested"},"id":"second","a":{"b":"deep\"q","c":1},"n":123})";
  std::array<Target, 4> t;
  ASSERT_TRUE(ParsePointer("/id", &t[0]));
  ASSERT_TRUE(ParsePointer("/a/b", &t[1]));
  ASSERT_TRUE(ParsePointer("/n", &t[2]));
  ASSERT_TRUE(ParsePointer("/missing/x", &t[3]));
  Scanner s(doc);
  ASSERT_TRUE(s.ScanValue(0, t));
  auto text = [&](const Found& f) { return doc.substr(f.begin, f.end - f.begin); };
  EXPECT_EQ(t[0].found.kind, Kind::kString);
  EXPECT_EQ(text(t[0].found), "first");
  EXPECT_EQ(t[1].found.kind, Kind::kString);
  EXPECT_TRUE(t[1].found.has_escapes);
  EXPECT_EQ(Unescape(text(t[1].found)), "deep\"q");
  EXPECT_EQ(t[2].found.kind, Kind::kNumber);
  EXPECT_EQ(text(t[2].found), "123");
  EXPECT_EQ(t[3].found.kind, Kind::kNone);
}

TEST(JsonScanTest, FirstParentWinsForNestedPointers) {
  // The first "a" has no "b": a later duplicate "a" must not supply it.
  std::array<Target, 1> t;
  ASSERT_TRUE(ParsePointer("/a/b", &t[0]));
  Scanner s(R"({"a":{"x":1},"a":{"b":"late"}})");
  ASSERT_TRUE(s.ScanValue(0, t));
  EXPECT_EQ(t[0].found.kind, Kind::kNone);
}

TEST(JsonScanTest, MatchesEscapedMemberNames) {
  std::array<Target, 2> t;
  ASSERT_TRUE(ParsePointer("/id", &t[0]));
  ASSERT_TRUE(ParsePointer("/a~1b~0c", &t[1]));
  const std::string doc = R"({"\u0069d":"x","a/b~c":true})";
  Scanner s(doc);
  ASSERT_TRUE(s.ScanValue(0, t));
  EXPECT_EQ(t[0].found.kind, Kind::kString);
  EXPECT_EQ(doc.substr(t[0].found.begin, t[0].found.end - t[0].found.begin), "x");
  EXPECT_EQ(t[1].found.kind, Kind::kTrue);
}

TEST(JsonScanTest, ParsePointerRejectsBadPointers) {
  Target t;
  EXPECT_FALSE(ParsePointer("", &t));
  EXPECT_FALSE(ParsePointer("id", &t));
  EXPECT_FALSE(ParsePointer("/a~2", &t));
  EXPECT_FALSE(ParsePointer("/a~", &t));
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "/a";
  EXPECT_FALSE(ParsePointer(deep, &t));
  ASSERT_TRUE(ParsePointer("/alertInfo/alertId", &t));
  EXPECT_EQ(t.tokens, (std::vector<std::string>{"alertInfo", "alertId"}));
}

TEST(JsonScanTest, Unescape) {
  EXPECT_EQ(Unescape("plain"), "plain");
  EXPECT_EQ(Unescape(R"(a\"b\\c\/d\b\f\n\r\t)"), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(Unescape(R"(\u00e9\u20AC)"), "\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(Unescape(R"(\ud83d\ude00)"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(Unescape(R"(\u0000)"), std::string(1, '\0'));
  // Lone surrogates and malformed escapes become U+FFFD; never out of bounds.
  EXPECT_EQ(Unescape(R"(\ud83dx)"), "\xef\xbf\xbdx");
  EXPECT_EQ(Unescape(R"(\ude00)"), "\xef\xbf\xbd");
  EXPECT_EQ(Unescape(R"(\ud83d\u0041)"),
            "\xef\xbf\xbd"
            "A");
  EXPECT_EQ(Unescape(R"(\u12)"),
            "\xef\xbf\xbd"
            "12");
  EXPECT_EQ(Unescape("\\"), "\xef\xbf\xbd");
  EXPECT_EQ(Unescape(R"(\q)"), "\xef\xbf\xbd");
}

TEST(JsonScanTest, ParseInt64) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("43", &v));
  EXPECT_EQ(v, 43);
  EXPECT_TRUE(ParseInt64("-7", &v));
  EXPECT_EQ(v, -7);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(ParseInt64("9223372036854775808", &v));
  EXPECT_FALSE(ParseInt64("1.0", &v));
  EXPECT_FALSE(ParseInt64("1e3", &v));
  EXPECT_FALSE(ParseInt64("", &v));
  EXPECT_FALSE(ParseInt64("-", &v));
}

}  // namespace
}  // namespace s1c::s1::json_scan
