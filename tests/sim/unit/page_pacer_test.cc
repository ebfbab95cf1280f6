#include "simulator/page_pacer.h"

#include <gtest/gtest.h>

namespace s1c::sim {
namespace {

using std::chrono::milliseconds;

// Made-up times: a steady clock reading of one hour after its epoch.
const SteadyTime kT0 = SteadyTime(std::chrono::hours(1));

TEST(NextPageSlotTest, FirstPageIsAnsweredAtOnce) {
  EXPECT_EQ(NextPageSlot(SteadyTime::min(), kT0, milliseconds(100)), kT0);
}

TEST(NextPageSlotTest, EarlyPageWaitsOneIntervalAfterThePrevious) {
  EXPECT_EQ(NextPageSlot(kT0, kT0 + milliseconds(30), milliseconds(100)), kT0 + milliseconds(100));
}

TEST(NextPageSlotTest, LatePageIsAnsweredAtOnceAndSlotsAreNotSavedUp) {
  EXPECT_EQ(NextPageSlot(kT0, kT0 + milliseconds(750), milliseconds(100)), kT0 + milliseconds(750));
}

TEST(PagePacerTest, PagesReadyTogetherGetConsecutiveSlots) {
  PagePacer pacer(10);  // 100 ms apart.
  EXPECT_TRUE(pacer.paced());
  EXPECT_EQ(pacer.Reserve(kT0), kT0);
  // Three connections ask at once: each waits for its own slot.
  EXPECT_EQ(pacer.Reserve(kT0), kT0 + milliseconds(100));
  EXPECT_EQ(pacer.Reserve(kT0 + milliseconds(10)), kT0 + milliseconds(200));
  EXPECT_EQ(pacer.Reserve(kT0 + milliseconds(20)), kT0 + milliseconds(300));
  // A page after a pause is answered when ready; the next one 100 ms later.
  EXPECT_EQ(pacer.Reserve(kT0 + milliseconds(5000)), kT0 + milliseconds(5000));
  EXPECT_EQ(pacer.Reserve(kT0 + milliseconds(5001)), kT0 + milliseconds(5100));
}

TEST(PagePacerTest, ZeroRateIsUnpaced) {
  PagePacer pacer(0);
  EXPECT_FALSE(pacer.paced());
  EXPECT_EQ(pacer.Reserve(kT0), kT0);
  EXPECT_EQ(pacer.Reserve(kT0), kT0);
}

TEST(PagePacerTest, FractionalRate) {
  PagePacer pacer(0.5);  // One page every two seconds.
  EXPECT_EQ(pacer.Reserve(kT0), kT0);
  EXPECT_EQ(pacer.Reserve(kT0), kT0 + std::chrono::seconds(2));
}

}  // namespace
}  // namespace s1c::sim
