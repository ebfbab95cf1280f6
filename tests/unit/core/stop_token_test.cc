#include "s1c/core/stop_token.h"

#include <gtest/gtest.h>

#include <thread>

#include "s1c/core/clock.h"

namespace s1c {
namespace {

TEST(StopTokenTest, StopWakesSleeperPromptly) {
  StopSource source;
  SystemClock clock;
  std::thread stopper([&] { source.RequestStop(); });
  // An hour-long sleep must end as soon as the stop lands.
  EXPECT_FALSE(clock.SleepFor(std::chrono::hours(1), source.token()));
  stopper.join();
  EXPECT_TRUE(source.token().StopRequested());
}

TEST(StopTokenTest, DefaultTokenNeverStops) {
  StopToken token;
  EXPECT_FALSE(token.StopRequested());
}

}  // namespace
}  // namespace s1c
