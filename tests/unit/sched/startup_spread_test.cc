#include "s1c/sched/startup_spread.h"

#include <gtest/gtest.h>

#include <set>

namespace s1c::sched {
namespace {

using std::chrono::milliseconds;

TEST(StartupDelayTest, ASmallFleetStartsAtOnce) {
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(StartupDelay(i, 6, 32, milliseconds(30000)).count(), 0);
}

TEST(StartupDelayTest, ALargeFleetIsSpreadEvenlyOverTheWindow) {
  // 3,000 streams over a 30 s poll interval: one first poll every 10 ms.
  std::set<int64_t> delays;
  for (size_t i = 0; i < 3000; ++i) {
    const milliseconds d = StartupDelay(i, 3000, 32, milliseconds(30000));
    EXPECT_GE(d.count(), 0);
    EXPECT_LT(d.count(), 30000);
    delays.insert(d.count());
  }
  EXPECT_EQ(delays.size(), 3000u) << "no two first polls share a millisecond";
  EXPECT_EQ(StartupDelay(0, 3000, 32, milliseconds(30000)).count(), 0);
  EXPECT_EQ(StartupDelay(1500, 3000, 32, milliseconds(30000)).count(), 15000);
}

}  // namespace
}  // namespace s1c::sched
