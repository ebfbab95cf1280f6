#include "command_text.h"

#include <gtest/gtest.h>

namespace s1c::app {
namespace {

TEST(ShellQuoteTest, PlainWordsStayPlain) {
  EXPECT_EQ(ShellQuote("eu-prod"), "eu-prod");
  EXPECT_EQ(ShellQuote("/etc/s1-collector/config.json"), "/etc/s1-collector/config.json");
  EXPECT_EQ(ShellQuote("2026-01-01T00:00:00.000000Z"), "2026-01-01T00:00:00.000000Z");
}

TEST(ShellQuoteTest, QuotesWhatTheShellWouldSplitOrExpand) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("/my dir/c.json"), "'/my dir/c.json'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("$HOME"), "'$HOME'");
  EXPECT_EQ(ShellCommand({"s1-collector", "-c", "a b"}), "s1-collector -c 'a b'");
}

TEST(FormatDurationTest, TwoUnitsAtMost) {
  EXPECT_EQ(FormatDuration(0.44), "0.4s");
  EXPECT_EQ(FormatDuration(12.34), "12.3s");
  EXPECT_EQ(FormatDuration(302), "5m02s");
  EXPECT_EQ(FormatDuration(3 * 3600 + 12 * 60 + 5), "3h12m");
  EXPECT_EQ(FormatDuration(2 * 86400 + 4 * 3600 + 59), "2d04h");
  EXPECT_EQ(FormatDuration(-90), "-1m30s");
}

TEST(FormatTableTest, AlignsColumnsWithoutTrailingSpaces) {
  EXPECT_EQ(FormatTable({{"A", "BB", "C"}, {"long", "x", ""}, {"y", "zzz", "w"}}),
            "A     BB   C\n"
            "long  x\n"
            "y     zzz  w\n");
}

TEST(MaskUrlCredentialsTest, HidesUserinfoOnly) {
  EXPECT_EQ(MaskUrlCredentials("http://user:pa55@proxy.corp:3128"), "http://***@proxy.corp:3128");
  EXPECT_EQ(MaskUrlCredentials("http://proxy.corp:3128"), "http://proxy.corp:3128");
  EXPECT_EQ(MaskUrlCredentials("http://proxy.corp:3128/p@th"), "http://proxy.corp:3128/p@th");
  EXPECT_EQ(MaskUrlCredentials("socks5h://u@127.0.0.1:1080"), "socks5h://***@127.0.0.1:1080");
}

TEST(StateResetCommandTest, NamesTheConfigAndStreamOrCheckpoint) {
  EXPECT_EQ(StateResetCommand("/etc/s1c/config.json", "eu", "activities", true),
            "s1-collector state reset -c /etc/s1c/config.json --console eu --stream activities");
  EXPECT_EQ(StateResetCommand("my dir/c.json", "eu", "backfill-threats-1-2", false),
            "s1-collector state reset -c 'my dir/c.json' --console eu --name backfill-threats-1-2");
}

}  // namespace
}  // namespace s1c::app
