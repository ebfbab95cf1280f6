#include "fd_limit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace s1c::app {
namespace {

using ::testing::HasSubstr;

config::Config Fleet(int consoles, int streams_each) {
  config::Config c;
  for (int i = 0; i < consoles; ++i) {
    config::ConsoleConfig console;
    console.name = "c" + std::to_string(i);
    for (int s = 0; s < streams_each + 1; ++s) {
      config::StreamConfig stream;
      stream.name = "s" + std::to_string(s);
      stream.enabled = s < streams_each;  // One disabled stream: it costs nothing.
      console.streams.push_back(stream);
    }
    c.consoles.push_back(console);
  }
  return c;
}

TEST(FdLimitTest, NeedGrowsWithEnabledStreams) {
  EXPECT_EQ(DescriptorsNeeded(Fleet(0, 0)), 64u);
  EXPECT_EQ(DescriptorsNeeded(Fleet(1, 2)), 64u + 7u);  // 2 x 2 in flight, a probe, 2 idle.
  EXPECT_EQ(DescriptorsNeeded(Fleet(1000, 3)), 64u + 1000u * 9u);
}

TEST(FdLimitTest, EnoughIsSilent) {
  EXPECT_FALSE(FdLimitProblem(1000, {1024, 4096}, 100).has_value());
  EXPECT_FALSE(FdLimitProblem(1024, {1024, 4096}, 100).has_value());
}

TEST(FdLimitTest, TooLowNamesTheNumbersAndTheFix) {
  const auto problem = FdLimitProblem(10064, {4096, 4096}, 1000);
  ASSERT_TRUE(problem.has_value());
  EXPECT_THAT(*problem, HasSubstr("consoles=1000"));
  EXPECT_THAT(*problem, HasSubstr("descriptors_needed=10064"));
  EXPECT_THAT(*problem, HasSubstr("limit=4096"));
  EXPECT_THAT(*problem, HasSubstr("LimitNOFILE="));
  EXPECT_THAT(*FdLimitProblem(2000, {1024, UINT64_MAX}, 10), HasSubstr("hard_limit=unlimited"));
}

TEST(FdLimitTest, RaiseLeavesTheSoftLimitAtTheHardOne) {
  auto raised = RaiseFdLimit();
  ASSERT_TRUE(raised.ok()) << raised.status().ToString();
  EXPECT_LE(raised->before.soft, raised->after.soft);
  EXPECT_EQ(raised->after.soft, raised->after.hard);
}

}  // namespace
}  // namespace s1c::app
