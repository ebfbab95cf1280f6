#include "simulator/live_feeder.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_clock.h"
#include "simulator/stream.h"

namespace s1c::sim {
namespace {

using testing::FakeClock;

// Runs a bounded live phase to its end on a fake clock (whose sleeps only
// move it on), every row of the activities stream late when `late_fraction`
// is 1. Returns the rows added; `stats` and `clock` show the end state.
std::vector<EventRecord> RunPhase(double late_fraction, SimStats& stats, FakeClock& clock,
                                  const StopToken& stop) {
  CorpusOptions corpus;
  corpus.activities = 0;
  corpus.threats = 0;
  EventGenerator generator(corpus);
  generator.Generate();
  EventStore store(SpecOf(StreamKind::kActivities));
  LiveFeeder feeder(LiveOptions{/*rate_per_second=*/10, /*late_ms=*/5000, late_fraction,
                                /*seed=*/3, /*duration_seconds=*/2},
                    generator, {&store}, stats, clock);
  feeder.Run(stop);
  return store.Read([](std::span<const EventRecord> rows) {
    return std::vector<EventRecord>(rows.begin(), rows.end());
  });
}

TEST(LiveFeederTest, FinishesOnceTheLastLateRowIsVisible) {
  FakeClock clock;
  const int64_t start_us = clock.NowMicros();
  SimStats stats;
  StopSource stop;
  const std::vector<EventRecord> rows = RunPhase(1.0, stats, clock, stop.token());
  ASSERT_EQ(rows.size(), 20u);  // 10 a second for 2 s.
  EXPECT_TRUE(stats.live_finished);
  int64_t last_visible_us = 0;
  for (const EventRecord& row : rows) {
    EXPECT_GT(row.visible_from_us, row.updated_us) << "every row is late";
    EXPECT_LE(row.visible_from_us, clock.NowMicros()) << "finished while a row was hidden";
    last_visible_us = std::max(last_visible_us, row.visible_from_us);
  }
  // The wait mattered: the last row surfaced after the 2 s phase, and the
  // feeder finished within the millisecond after it.
  EXPECT_GT(last_visible_us, start_us + 2'000'000);
  EXPECT_LE(clock.NowMicros(), last_visible_us + 1000);
}

TEST(LiveFeederTest, WithoutLateRowsFinishesWhenThePhaseEnds) {
  FakeClock clock;
  const int64_t start_us = clock.NowMicros();
  SimStats stats;
  StopSource stop;
  EXPECT_EQ(RunPhase(0, stats, clock, stop.token()).size(), 20u);
  EXPECT_TRUE(stats.live_finished);
  // The last tick (100 ms) ends the phase.
  EXPECT_EQ(clock.NowMicros(), start_us + 2'000'000);
}

TEST(LiveFeederTest, AStoppedPhaseIsNotFinished) {
  FakeClock clock;
  SimStats stats;
  StopSource stop;
  stop.RequestStop();
  EXPECT_TRUE(RunPhase(1.0, stats, clock, stop.token()).empty());
  EXPECT_FALSE(stats.live_finished);
}

}  // namespace
}  // namespace s1c::sim
