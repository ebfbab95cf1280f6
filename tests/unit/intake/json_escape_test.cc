#include "intake/json_escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
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

// The plain per-byte definition, to check the block-wise escaper against.
std::string ReferenceEscape(std::string_view in) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  return out;
}

// Each vector kernel against the per-byte definition. A kernel this CPU
// lacks is skipped (AppendJsonEscaped never picks it here either).
class JsonEscapeKernelTest : public testing::TestWithParam<EscapeKernel> {
 protected:
  void SetUp() override {
    if (!EscapeKernelAvailable(GetParam())) GTEST_SKIP() << "this CPU lacks the kernel";
  }
  std::string EscapeWithKernel(std::string_view in, std::string out = "") {
    AppendJsonEscapedWith(GetParam(), out, in);
    return out;
  }
};

TEST_P(JsonEscapeKernelTest, LongTextMatchesTheByteByByteDefinition) {
  // Lengths around the 16- and 32-byte block edges and well past them, with
  // specials at every offset, runs of them, and control bytes inside blocks.
  std::mt19937 rng(42);
  const std::string alphabet = std::string("ab\"\\\n\x01\x1f\xc3\xa9 {}:,") + '\0';
  for (size_t len = 0; len < 300; ++len) {
    for (int density = 0; density < 4; ++density) {
      std::string in;
      for (size_t i = 0; i < len; ++i) {
        const bool special = static_cast<int>(rng() % 8) < density * 2;
        in += special ? alphabet[rng() % alphabet.size()] : static_cast<char>('a' + rng() % 26);
      }
      ASSERT_EQ(EscapeWithKernel(in, "x"), "x" + ReferenceEscape(in))
          << "length " << len << " density " << density;
    }
  }
}

TEST_P(JsonEscapeKernelTest, BlocksOfOnlyQuotesDoubleInSize) {
  // The densest block: every byte gains a backslash, filling the 2x room.
  for (const char special : {'"', '\\'}) {
    const std::string in(97, special);
    std::string expected;
    for (size_t i = 0; i < in.size(); ++i) expected += {'\\', special};
    EXPECT_EQ(EscapeWithKernel(in), expected);
  }
}

TEST_P(JsonEscapeKernelTest, ControlBytesAmongLongPlainRuns) {
  // A control byte sends one block down the per-byte path; the blocks after
  // it take the vector path again.
  std::string in;
  for (int i = 0; i < 40; ++i) in += std::string(static_cast<size_t>(i), 'q') + "\"\t\x02";
  EXPECT_EQ(EscapeWithKernel(in), ReferenceEscape(in));
}

TEST_P(JsonEscapeKernelTest, AllControlBytesNeedSixTimesTheRoom) {
  // Every byte becomes \u00XX: the output outgrows the 2x room made up front.
  const std::string in(1000, '\x01');
  std::string expected;
  for (size_t i = 0; i < in.size(); ++i) expected += "\\u0001";
  EXPECT_EQ(EscapeWithKernel(in), expected);
}

INSTANTIATE_TEST_SUITE_P(Kernels, JsonEscapeKernelTest,
                         testing::Values(EscapeKernel::kPortable, EscapeKernel::kAvx512),
                         [](const testing::TestParamInfo<EscapeKernel>& info) {
                           return info.param == EscapeKernel::kAvx512 ? "Avx512" : "Portable";
                         });

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
