#include "backfill_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "fake_clock.h"
#include "fakes.h"
#include "mem_state_store.h"
#include "s1c/core/iso_time.h"
#include "stream_pipeline.h"

namespace s1c::app {
namespace {

using s1c::testing::FakeClock;
using s1c::testing::FakePageSource;
using s1c::testing::FakeSink;
using s1c::testing::MemStateStore;

constexpr int64_t kSecond = 1000000;
const int64_t kFrom = ParseIsoTime("2026-01-01T00:00:00Z").value();
const int64_t kTo = kFrom + 100 * kSecond;
constexpr char kName[] = "backfill-activities-20260101T000000Z-20260101T000140Z";

double NoJitter() { return 0.999; }

// Events every second from kFrom - 10 s to kTo + 10 s, with a burst of
// five sharing one microsecond in the middle (split by page boundaries).
void Fill(FakePageSource& source) {
  for (int64_t t = kFrom - 10 * kSecond; t < kTo + 10 * kSecond; t += kSecond) {
    source.Add("e" + std::to_string(t), t);
  }
  for (int i = 0; i < 5; ++i) source.Add("burst" + std::to_string(i), kFrom + 50 * kSecond + 1);
}

std::set<std::string> InRange() {
  std::set<std::string> keys;
  for (int64_t t = kFrom; t < kTo; t += kSecond) keys.insert("e" + std::to_string(t));
  for (int i = 0; i < 5; ++i) keys.insert("burst" + std::to_string(i));
  return keys;
}

pipeline::PollerOptions Options() {
  pipeline::PollerOptions o;
  o.console = "one";
  o.spec = s1::FindStream("activities");
  o.state_name = kName;
  o.page_size = 7;
  o.start_from = FormatIsoTime(kFrom);
  o.until = FormatIsoTime(kTo);
  o.max_pages_per_cycle = 1000000;
  return o;
}

DrainOptions Drain(MemStateStore& store) {
  DrainOptions d;
  d.mark_done_at_us = kTo;
  d.store = &store;
  return d;
}

// A backfill's retry policy (what the command runs with), giving up sooner.
sched::StreamTaskOptions Task() {
  sched::StreamTaskOptions t = RangeTaskOptions();
  t.once_max_failures = 4;
  return t;
}

TEST(DrainRangeTest, DeliversExactlyTheRangeAndMarksItDone) {
  FakePageSource source;
  Fill(source);
  FakeSink sink;
  MemStateStore store;
  FakeClock clock;
  pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
  std::vector<ProgressSnapshot> seen;
  const DrainResult r = DrainRange(poller, Task(), clock, StopToken(), Drain(store), NoJitter,
                                   [&](const ProgressSnapshot& s) { seen.push_back(s); });
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.stopped);
  EXPECT_TRUE(r.failure.ok()) << r.failure.ToString();
  const auto accepted = sink.accepted();
  EXPECT_EQ(std::set<std::string>(accepted.begin(), accepted.end()), InRange());
  EXPECT_EQ(accepted.size(), InRange().size());  // No duplicates.
  EXPECT_EQ(r.done_before, 0);
  EXPECT_EQ(r.done_after, static_cast<int64_t>(InRange().size()));
  EXPECT_EQ(r.pages, 15);  // 105 events, 7 a page.

  const auto cp = store.Load("one", kName).value();
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->watermark_us, kTo);
  EXPECT_EQ(cp->watermark, "2026-01-01T00:01:40.000000Z");
  EXPECT_TRUE(cp->boundary_keys.empty());
  EXPECT_EQ(cp->events_done, 105);

  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.front().done, 0);
  EXPECT_FALSE(seen.front().total);
  EXPECT_EQ(seen.back().done, 105);
  EXPECT_EQ(seen.back().total, 105);
  EXPECT_EQ(seen.back().pages, 15);
}

TEST(DrainRangeTest, RetriesTransientApiErrorsWithBackoff) {
  FakePageSource source;
  Fill(source);
  source.FailNext(3, Unavailable("HTTP 503"));
  FakeSink sink;
  MemStateStore store;
  FakeClock clock;
  pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
  std::vector<int> attempts;
  const DrainResult r = DrainRange(
      poller, Task(), clock, StopToken(), Drain(store), NoJitter, {},
      [&](const Status&, int attempt, std::chrono::milliseconds) { attempts.push_back(attempt); });
  EXPECT_TRUE(r.complete) << r.failure.ToString();
  EXPECT_EQ(r.retries, 3);
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3}));
  // Capped exponential: 1 s, 2 s, 4 s ceilings (jitter pinned near the top).
  const auto sleeps = clock.sleeps();
  ASSERT_EQ(sleeps.size(), 3u);
  EXPECT_LT(sleeps[0], sleeps[1]);
  EXPECT_LT(sleeps[1], sleeps[2]);
  EXPECT_EQ(sink.accepted().size(), InRange().size());
}

TEST(DrainRangeTest, GivesUpAfterTooManyTransientFailuresLeavingItResumable) {
  FakePageSource source;
  Fill(source);
  source.FailNext(1000, Unavailable("HTTP 503"));
  FakeSink sink;
  MemStateStore store;
  FakeClock clock;
  pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
  const DrainResult r = DrainRange(poller, Task(), clock, StopToken(), Drain(store), NoJitter);
  EXPECT_FALSE(r.complete);
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(r.failure.code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.retries, 3);  // The 4th failure in a row ends it.
  const auto cp = store.Load("one", kName).value();
  ASSERT_TRUE(cp);  // The start point, pinned; not marked done.
  EXPECT_EQ(cp->watermark_us, kFrom);
}

TEST(DrainRangeTest, AFailureAfterProgressStartsTheCountAgain) {
  FakePageSource source;
  Fill(source);
  source.FailNext(3, Unavailable("HTTP 503"));
  FakeSink sink;
  bool failed_again = false;
  sink.on_deliver = [&] {  // The first page delivered, then one more fetch fails.
    if (!failed_again) source.FailNext(1, Unavailable("HTTP 503"));
    failed_again = true;
  };
  MemStateStore store;
  FakeClock clock;
  pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
  std::vector<int> attempts;
  const DrainResult r = DrainRange(
      poller, Task(), clock, StopToken(), Drain(store), NoJitter, {},
      [&](const Status&, int attempt, std::chrono::milliseconds) { attempts.push_back(attempt); });
  // Four failures, but never four in a row without progress: not given up.
  EXPECT_TRUE(r.complete) << r.failure.ToString();
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3, 1}));
  EXPECT_EQ(r.retries, 4);
  EXPECT_EQ(sink.accepted().size(), InRange().size());
}

TEST(DrainRangeTest, PermissionErrorsAreNotRetried) {
  FakePageSource source;
  Fill(source);
  source.FailNext(
      1, Status(StatusCode::kPermissionDenied, "HTTP 403; it needs permission Activity Page.view"));
  FakeSink sink;
  MemStateStore store;
  FakeClock clock;
  pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
  const DrainResult r = DrainRange(poller, Task(), clock, StopToken(), Drain(store), NoJitter);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.failure.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r.retries, 0);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(DrainRangeTest, StopLeavesAResumableCheckpointAndTheResumeIsExact) {
  FakePageSource source;
  Fill(source);
  MemStateStore store;
  FakeClock clock;
  std::vector<std::string> all;
  {
    FakeSink sink;
    StopSource stop;
    int calls = 0;
    sink.on_deliver = [&] {
      if (++calls == 4) stop.RequestStop();
    };
    pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
    const DrainResult r = DrainRange(poller, Task(), clock, stop.token(), Drain(store), NoJitter);
    EXPECT_FALSE(r.complete);
    EXPECT_TRUE(r.stopped);
    EXPECT_TRUE(r.failure.ok());
    // What was fetched when the stop came is delivered and committed; no more.
    EXPECT_GT(r.done_after, 0);
    EXPECT_LT(r.done_after, 105);
    EXPECT_EQ(r.done_after, static_cast<int64_t>(sink.accepted().size()));
    all = sink.accepted();
  }
  FakeSink sink;
  pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
  std::vector<ProgressSnapshot> seen;
  const DrainResult r = DrainRange(poller, Task(), clock, StopToken(), Drain(store), NoJitter,
                                   [&](const ProgressSnapshot& s) { seen.push_back(s); });
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.done_before, static_cast<int64_t>(all.size()));
  EXPECT_EQ(r.done_after, 105);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().done, static_cast<int64_t>(all.size()));
  EXPECT_EQ(seen.back().total, 105);  // Done before + what is left.
  const auto rest = sink.accepted();
  all.insert(all.end(), rest.begin(), rest.end());
  EXPECT_EQ(all.size(), InRange().size());
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), InRange());
}

TEST(DrainRangeTest, WithoutAMarkerTheCheckpointStaysAtTheLastEvent) {
  FakePageSource source;
  Fill(source);
  FakeSink sink;
  MemStateStore store;
  FakeClock clock;
  pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
  DrainOptions d = Drain(store);
  d.mark_done_at_us.reset();  // --dry-run
  const DrainResult r = DrainRange(poller, Task(), clock, StopToken(), d, NoJitter);
  EXPECT_TRUE(r.complete);
  const auto cp = store.Load("one", kName).value();
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->watermark_us, kTo - kSecond);
}

TEST(DrainRangeTest, ADoneRangeFetchesNothingMore) {
  FakePageSource source;
  Fill(source);
  FakeSink sink;
  MemStateStore store;
  FakeClock clock;
  {
    pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
    ASSERT_TRUE(DrainRange(poller, Task(), clock, StopToken(), Drain(store), NoJitter).complete);
  }
  const size_t delivered = sink.accepted().size();
  pipeline::Poller poller(Options(), source, sink, store, clock, NoJitter);
  const DrainResult r = DrainRange(poller, Task(), clock, StopToken(), Drain(store), NoJitter);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.done_after - r.done_before, 0);
  EXPECT_EQ(sink.accepted().size(), delivered);
}

}  // namespace
}  // namespace s1c::app
