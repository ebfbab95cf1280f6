#include "s1c/pipeline/poller.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fake_clock.h"
#include "fakes.h"
#include "mem_state_store.h"
#include "s1c/core/iso_time.h"
#include "s1c/s1/streams.h"

namespace s1c::pipeline {
namespace {

using testing::FakeClock;
using testing::FakePageSource;
using testing::FakeSink;
using testing::MemStateStore;

constexpr int64_t kT0 = 1767225600000000;  // 2026-01-01T00:00:00Z
constexpr int64_t kSec = 1000000;

// Every stream of the table goes through the same scenarios (style.md: every
// stream is tested for resume, many pages, ties, 503, 400, crash, shutdown).
class PollerTest : public ::testing::TestWithParam<std::string> {
 protected:
  PollerOptions Options(int page_size = 10) {
    PollerOptions o;
    o.console = "eu";
    o.spec = &Spec();
    o.page_size = page_size;
    o.start_from = FormatIsoTime(kT0);
    o.intake_backoff = {std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 2.0};
    return o;
  }
  const s1::StreamSpec& Spec() const { return *s1::FindStream(GetParam()); }
  // The key this stream's pages give the event added as `id`: the id, or
  // id@time for rows whose key includes the time.
  std::string Key(const std::string& id) { return source_.KeyOf(Spec(), id); }
  Poller MakePoller(PollerOptions o) {
    return Poller(std::move(o), source_, sink_, store_, clock_, [] { return 0.5; });
  }
  // Adds n events at distinct times, from `first_second` on.
  void AddEvents(int n, int first_second = 1, const std::string& prefix = "e") {
    for (int i = 0; i < n; ++i)
      source_.Add(prefix + std::to_string(first_second + i), kT0 + (first_second + i) * kSec);
  }
  // Every key accepted by the sink, and how many times.
  std::map<std::string, int> Counts() {
    std::map<std::string, int> counts;
    for (const auto& k : sink_.accepted()) ++counts[k];
    return counts;
  }

  FakeClock clock_{kT0 + 3600 * kSec};
  FakePageSource source_;
  FakeSink sink_;
  MemStateStore store_;
  StopSource stop_;
};

TEST_P(PollerTest, DeliversManyPagesInOrderAndCommits) {
  AddEvents(95);
  Poller poller = MakePoller(Options(10));
  auto r = poller.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->caught_up);
  EXPECT_EQ(r->pages, 10);
  EXPECT_EQ(r->events_forwarded, 95);
  ASSERT_EQ(sink_.accepted().size(), 95u);
  EXPECT_EQ(sink_.accepted().front(), Key("e1"));
  EXPECT_EQ(sink_.accepted().back(), Key("e95"));
  auto cp = store_.Load("eu", GetParam());
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->watermark_us, kT0 + 95 * kSec);
  EXPECT_EQ((*cp)->boundary_keys, std::vector<std::string>{Key("e95")});
  EXPECT_EQ((*cp)->events_done, 95);
}

TEST_P(PollerTest, ResumesFromCheckpointWithoutResending) {
  AddEvents(30);
  {
    Poller first = MakePoller(Options());
    ASSERT_TRUE(first.RunCycle(stop_.token()).ok());
  }
  AddEvents(5, 31);
  Poller restarted = MakePoller(Options());  // As after a process restart.
  auto r = restarted.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->events_skipped, 1);  // e30 sits on the watermark and is skipped by key.
  EXPECT_EQ(source_.queries().back().since.substr(0, 19),
            FormatIsoTime(kT0 + 30 * kSec).substr(0, 19));
  auto counts = Counts();
  EXPECT_EQ(counts.size(), 35u);
  for (const auto& [k, n] : counts) EXPECT_EQ(n, 1) << k;
}

TEST_P(PollerTest, TiesAcrossPageBoundariesAreExact) {
  AddEvents(7);
  for (int i = 0; i < 25; ++i)
    source_.Add("tie" + std::to_string(100 + i), kT0 + 8 * kSec);  // 25 events, one timestamp
  AddEvents(3, 9);
  // Deliver the first pages, then "crash" (the intake rejects) in the middle of the tie run.
  sink_.Script({intake::Outcome::kDelivered, 10, Status::Ok()});
  sink_.Script({intake::Outcome::kRejected, 4, Status(StatusCode::kRejected, "boom")});
  {
    Poller first = MakePoller(Options(10));
    EXPECT_FALSE(first.RunCycle(stop_.token()).ok());
  }
  auto mid = store_.Load("eu", GetParam());
  EXPECT_EQ((*mid)->watermark_us, kT0 + 8 * kSec);
  EXPECT_EQ((*mid)->boundary_keys.size(), 7u);  // 3 ties on page 1, 4 on page 2
  Poller second = MakePoller(Options(10));
  auto r = second.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto counts = Counts();
  EXPECT_EQ(counts.size(), 35u);                           // Nothing lost...
  for (const auto& [k, n] : counts) EXPECT_EQ(n, 1) << k;  // ...and nothing twice.
}

TEST_P(PollerTest, IntakeUnavailableRetriesAndKeepsCheckpoint) {
  AddEvents(5);
  sink_.Script({intake::Outcome::kRetryable, 0, Unavailable("HTTP 503")});
  sink_.Script(
      {intake::Outcome::kRetryable, 0,
       Status(StatusCode::kRateLimited, "429").WithRetryAfter(std::chrono::milliseconds(7000))});
  int commits_seen_at_retry = -1;
  sink_.on_deliver = [&] {
    if (sink_.calls() == 1) commits_seen_at_retry = store_.commits();  // At the first retry.
  };
  Poller poller = MakePoller(Options());
  auto r = poller.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->intake_retries, 2);
  EXPECT_EQ(commits_seen_at_retry, 1);  // Only the initial start-point checkpoint.
  ASSERT_EQ(clock_.sleeps().size(), 2u);
  EXPECT_LE(clock_.sleeps()[0], std::chrono::milliseconds(100));
  EXPECT_EQ(clock_.sleeps()[1], std::chrono::milliseconds(7000));  // Retry-After honoured
  EXPECT_EQ(sink_.accepted().size(), 5u);
}

TEST_P(PollerTest, IntakeRejectionStopsWithoutCommitting) {
  AddEvents(5);
  sink_.Script({intake::Outcome::kRejected, 0, Status(StatusCode::kRejected, "HTTP 400 bad body")});
  Poller poller = MakePoller(Options());
  auto r = poller.RunCycle(stop_.token());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRejected);
  auto cp = store_.Load("eu", GetParam());
  EXPECT_EQ((*cp)->watermark_us, kT0);  // Still the start point.
  EXPECT_TRUE((*cp)->boundary_keys.empty());
}

TEST_P(PollerTest, CrashBetweenSendAndCommitResendsButLosesNothing) {
  AddEvents(25);
  store_.fail_commits = 0;
  Poller first = MakePoller(Options(10));
  ASSERT_TRUE(first.Checkpoint().ok());
  // Let the start checkpoint and page 1 land, then fail the commit of page 2
  // (on_deliver runs before the call is counted: calls() == 1 is the second call).
  sink_.on_deliver = [&] {
    if (sink_.calls() == 1) store_.fail_commits = 1;
  };
  auto crashed = first.RunCycle(stop_.token());
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.status().code(), StatusCode::kIo);
  sink_.on_deliver = nullptr;
  Poller restarted = MakePoller(Options(10));
  ASSERT_TRUE(restarted.RunCycle(stop_.token()).ok());
  auto counts = Counts();
  EXPECT_EQ(counts.size(), 25u);
  int duplicates = 0;
  for (const auto& [k, n] : counts) duplicates += n - 1;
  EXPECT_EQ(duplicates, 10);  // Exactly the page in flight, never the backlog.
}

TEST_P(PollerTest, ShutdownDuringBackoffReturnsPromptly) {
  AddEvents(3);
  sink_.AlwaysRetry();
  sink_.on_deliver = [&] {
    if (sink_.calls() == 2) stop_.RequestStop();  // During the third call.
  };
  Poller poller = MakePoller(Options());
  auto r = poller.RunCycle(stop_.token());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(sink_.calls(), 3);
}

TEST_P(PollerTest, PartialDeliveryCommitsPrefixAndResendsTail) {
  AddEvents(10);
  sink_.Script({intake::Outcome::kRetryable, 6, Unavailable("second body failed")});
  Poller poller = MakePoller(Options(10));
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  auto counts = Counts();
  EXPECT_EQ(counts.size(), 10u);
  for (const auto& [k, n] : counts) EXPECT_EQ(n, 1) << k;
}

TEST_P(PollerTest, ApiErrorIsReturnedAndNothingMoves) {
  AddEvents(3);
  source_.FailNext(1, Unavailable("HTTP 503"));
  Poller poller = MakePoller(Options());
  auto r = poller.RunCycle(stop_.token());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsRetryable());
  EXPECT_TRUE(sink_.accepted().empty());
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  EXPECT_EQ(sink_.accepted().size(), 3u);
}

TEST_P(PollerTest, RepeatedCursorEndsTheDrain) {
  AddEvents(50);
  source_.loop_cursor = true;
  Poller poller = MakePoller(Options(10));
  auto r = poller.RunCycle(stop_.token());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nextCursor"), std::string::npos);
  EXPECT_LE(source_.fetches(), 3);
}

TEST_P(PollerTest, PageBudgetLeavesBacklogForNextCycle) {
  AddEvents(50);
  PollerOptions o = Options(10);
  o.max_pages_per_cycle = 2;
  Poller poller = MakePoller(o);
  auto r = poller.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->caught_up);
  EXPECT_EQ(sink_.accepted().size(), 20u);
  EXPECT_EQ(source_.fetches(), 2);  // No page fetched beyond the budget.
  while (!poller.RunCycle(stop_.token())->caught_up) {
  }
  EXPECT_EQ(Counts().size(), 50u);
}

TEST_P(PollerTest, StartPointIsPinnedOnFirstRun) {
  PollerOptions o = Options();
  o.start_from = "1h";
  Poller poller = MakePoller(o);
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  const int64_t pinned = (*store_.Load("eu", GetParam()))->watermark_us;
  EXPECT_EQ(pinned, clock_.NowMicros() - 3600 * kSec);
  clock_.Advance(std::chrono::hours(5));
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  EXPECT_EQ(source_.queries().back().since, FormatIsoTime(pinned));
}

// Late indexing (lookback_seconds): events near "now", so their windows are
// still unsettled when read fresh. kNow is the fixture clock's start.
class LateIndexingTest : public PollerTest {
 protected:
  static constexpr int64_t kNow = kT0 + 3600 * kSec;
  PollerOptions LateOptions(int lookback_seconds = 60) {
    PollerOptions o = Options();
    o.start_from = FormatIsoTime(kNow - 30 * kSec);
    o.lookback_seconds = lookback_seconds;
    return o;
  }
  // n events, one a second, the first `ago` seconds before kNow.
  void AddRecent(int n, int ago, const std::string& prefix = "e") {
    for (int i = 0; i < n; ++i) source_.Add(prefix + std::to_string(i), kNow - (ago - i) * kSec);
  }
  // The queries that had an upper bound: the sweeps.
  std::vector<s1::PageQuery> Sweeps() {
    std::vector<s1::PageQuery> out;
    for (const auto& q : source_.queries()) {
      if (q.until) out.push_back(q);
    }
    return out;
  }
  state::Checkpoint Saved() { return **store_.Load("eu", GetParam()); }
};

TEST_P(LateIndexingTest, AnEventIndexedLateWithinTheWindowIsSentOnceByTheSweep) {
  AddRecent(10, 20);  // kNow-20s .. kNow-11s
  Poller poller = MakePoller(LateOptions(60));
  auto first = poller.RunCycle(stop_.token());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(Sweeps().empty()) << "nothing has settled yet";
  // Indexed now, 15 s after its time: behind the watermark, missed fresh.
  source_.Add("late", kNow - 15 * kSec + 1);
  AddRecent(2, 5, "f");
  clock_.Advance(std::chrono::seconds(61));  // kNow-20s .. kNow-10s have settled.
  auto second = poller.RunCycle(stop_.token());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->late_events, 1);
  ASSERT_EQ(second->late_delays_seconds.size(), 1u);
  // The fresh read that missed it ran at kNow, 15 s after its time.
  EXPECT_NEAR(second->late_delays_seconds[0], 15.0, 0.01);
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  auto counts = Counts();
  EXPECT_EQ(counts.size(), 13u);
  EXPECT_EQ(counts[Key("late")], 1);
  for (const auto& [k, n] : counts) EXPECT_EQ(n, 1) << k;
}

TEST_P(LateIndexingTest, TheSweepReadsEachSettledWindowOnceAndResumesAfterARestart) {
  AddRecent(10, 20);
  int64_t position = 0;
  {
    Poller poller = MakePoller(LateOptions(60));
    ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
    EXPECT_EQ(*Saved().sweep_us, kNow - 30 * kSec) << "the start: nothing swept yet";
    clock_.Advance(std::chrono::seconds(75));  // now - 60 s = kNow + 15 s, past the watermark.
    ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
    // Window [start, watermark) swept once; the position is the watermark.
    ASSERT_EQ(Sweeps().size(), 1u);
    EXPECT_EQ(Sweeps()[0].since, FormatIsoTime(kNow - 30 * kSec));
    EXPECT_EQ(*ParseIsoTime(*Sweeps()[0].until), Saved().watermark_us);
    EXPECT_EQ(*Saved().sweep_us, Saved().watermark_us);
    // Fresh events, still unsettled: their keys are kept (and saved).
    AddRecent(3, -70, "g");
    ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
    EXPECT_EQ(Sweeps().size(), 1u) << "nothing newly settled";
    position = *Saved().sweep_us;
    EXPECT_EQ(position, kNow + 15 * kSec) << "time read settled (before now - 60 s) needs no sweep";
  }
  // A restart, and a late event between g0 and g1.
  source_.Add("late", kNow + 70 * kSec + 1);
  clock_.Advance(std::chrono::seconds(120));
  Poller restarted = MakePoller(LateOptions(60));
  auto r = restarted.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(Sweeps().size(), 2u);
  EXPECT_EQ(*ParseIsoTime(Sweeps()[1].since), position) << "resumed where it was";
  EXPECT_EQ(r->late_events, 1);
  EXPECT_EQ(Counts().size(), 14u);
  for (const auto& [k, n] : Counts()) EXPECT_EQ(n, 1) << k << ": the saved keys stop a resend";
}

TEST_P(LateIndexingTest, TimeAlreadySettledWhenReadIsNeverSwept) {
  // Catching up (or a backfill of the past): events an hour old with a 60 s
  // window are final when read, so they are read once.
  AddEvents(30);
  PollerOptions o = Options();  // start_from kT0
  o.lookback_seconds = 60;
  Poller late = MakePoller(o);
  ASSERT_TRUE(late.RunCycle(stop_.token()).ok());
  clock_.Advance(std::chrono::minutes(10));
  ASSERT_TRUE(late.RunCycle(stop_.token()).ok());
  EXPECT_TRUE(Sweeps().empty());
  EXPECT_EQ(*Saved().sweep_us, Saved().watermark_us);
  EXPECT_EQ(sink_.accepted().size(), 30u);
}

TEST_P(LateIndexingTest, AnEventIndexedLaterThanTheWindowIsCountedNowhere) {
  // Documented: the sweep reads a window once, when it is lookback_seconds
  // old; an event indexed after that is not collected.
  AddRecent(5, 20);
  Poller poller = MakePoller(LateOptions(60));
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  clock_.Advance(std::chrono::seconds(120));
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());  // Swept.
  source_.Add("too-late", kNow - 18 * kSec + 1);
  clock_.Advance(std::chrono::seconds(60));
  auto r = poller.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->late_events, 0);
  EXPECT_EQ(Counts().count(Key("too-late")), 0u);
}

TEST_P(LateIndexingTest, ASweepSendsNothingOutsideItsWindowWhenTheApiWidensIt) {
  source_.whole_ms_bounds = true;
  PollerOptions o = LateOptions(60);
  o.start_from = FormatIsoTime(kNow - 30 * kSec + 500);  // Inside a millisecond.
  source_.Add("edge", kNow - 30 * kSec);  // Before the start, in its millisecond.
  AddRecent(5, 20);
  Poller poller = MakePoller(o);
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  clock_.Advance(std::chrono::seconds(120));
  auto r = poller.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(Sweeps().size(), 1u);
  EXPECT_EQ(r->late_events, 0);
  EXPECT_EQ(Counts().size(), 6u);
  for (const auto& [k, n] : Counts()) EXPECT_EQ(n, 1) << k;
}

TEST_P(LateIndexingTest, SeenKeysAreBoundedAndPersisted) {
  AddRecent(50, 25);
  PollerOptions o = LateOptions(3600);
  o.max_seen_keys = 20;
  Poller poller = MakePoller(o);
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  auto seen = store_.LoadSeen("eu", GetParam(), 1000);
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_EQ((*seen)->size(), 20u);
}

TEST_P(PollerTest, NextPageIsFetchedWhileOneIsDeliveredAndCommitsStayInOrder) {
  AddEvents(30);
  Poller poller = MakePoller(Options(10));
  std::vector<bool> prefetched;         // At each delivery: was the next page already asked for?
  std::vector<int64_t> watermark_seen;  // At each delivery: what the store holds.
  sink_.on_deliver = [&] {
    const int page = sink_.calls() + 1;
    // Page N is being delivered: page N+1 is fetched meanwhile (there is none after page 3).
    prefetched.push_back(page == 3 || source_.WaitForFetches(page + 1, std::chrono::seconds(10)));
    watermark_seen.push_back((*store_.Load("eu", GetParam()))->watermark_us);
  };
  auto r = poller.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(prefetched, (std::vector<bool>{true, true, true}));
  // The checkpoint covers exactly the pages acknowledged before, never the
  // page being delivered nor the one prefetched.
  EXPECT_EQ(watermark_seen, (std::vector<int64_t>{kT0, kT0 + 10 * kSec, kT0 + 20 * kSec}));
  EXPECT_EQ((*store_.Load("eu", GetParam()))->watermark_us, kT0 + 30 * kSec);
  EXPECT_EQ(sink_.accepted().size(), 30u);
}

TEST_P(PollerTest, CoalescedCommitsWriteAtIntervalsBeforeRetryWaitsAndAtTheEnd) {
  AddEvents(60);
  PollerOptions o = Options(10);
  o.commit_interval = std::chrono::milliseconds(1000);
  Poller poller = MakePoller(o);
  sink_.Script({intake::Outcome::kDelivered, 10, Status::Ok()});
  sink_.Script({intake::Outcome::kDelivered, 10, Status::Ok()});
  sink_.Script({intake::Outcome::kRetryable, 0, Unavailable("HTTP 503")});
  std::vector<int> commits_seen;  // Before each delivery call.
  sink_.on_deliver = [&] {
    commits_seen.push_back(store_.commits());
    if (sink_.calls() == 4) clock_.Advance(std::chrono::seconds(1));  // While page 4 is sent.
  };
  auto r = poller.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Calls: pages 1, 2, 3 (503), 3 again, 4, 5, 6. Commit 1 is the start
  // point; page 1 is written (nothing was yet); page 2 is within the
  // interval; the 503 writes page 2 before its retry wait; the retry of
  // page 3 is within the interval again; page 4 is acked a second later and
  // written; pages 5 and 6 are written once, at the end of the cycle.
  EXPECT_EQ(commits_seen, (std::vector<int>{1, 2, 2, 3, 3, 4, 4}));
  EXPECT_EQ(store_.commits(), 5);
  EXPECT_EQ((*store_.Load("eu", GetParam()))->watermark_us, kT0 + 60 * kSec);
}

TEST_P(PollerTest, BoundaryKeySetIsBoundedAndForgottenKeysAreResentNotLost) {
  for (int i = 0; i < 30; ++i) source_.Add("tie" + std::to_string(100 + i), kT0 + 5 * kSec);
  PollerOptions o = Options(10);
  o.max_boundary_keys = 10;
  Poller poller = MakePoller(o);
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  auto cp = store_.Load("eu", GetParam());
  ASSERT_EQ((*cp)->boundary_keys.size(), 10u);
  EXPECT_EQ((*cp)->boundary_keys.back(), Key("tie109"));  // The first ones are kept.
  EXPECT_EQ(sink_.accepted().size(), 30u);
  // The next poll cannot tell the 20 others from new events: they come again
  // (duplicates), the 10 remembered do not.
  ASSERT_TRUE(poller.RunCycle(stop_.token()).ok());
  auto counts = Counts();
  EXPECT_EQ(counts.size(), 30u);
  int twice = 0;
  for (const auto& [k, n] : counts) twice += n == 2 ? 1 : 0;
  EXPECT_EQ(twice, 20);
}

TEST_P(PollerTest, BackfillStopsAtUntil) {
  AddEvents(30);
  PollerOptions o = Options();
  o.state_name = "backfill-test";
  o.until = FormatIsoTime(kT0 + 21 * kSec);
  Poller poller = MakePoller(o);
  auto r = poller.RunCycle(stop_.token());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(sink_.accepted().size(), 20u);
  EXPECT_TRUE(store_.Load("eu", "backfill-test")->has_value());
  EXPECT_FALSE(
      store_.Load("eu", GetParam())->has_value());  // The daemon's checkpoint is untouched.
}

// Every row of the table, so a new stream is covered the day it is added.
std::vector<std::string> StreamNames() {
  std::vector<std::string> names;
  for (const s1::StreamSpec& spec : s1::AllStreams()) names.emplace_back(spec.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllStreams, PollerTest, ::testing::ValuesIn(StreamNames()),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(EveryStream, LateIndexingTest, ::testing::ValuesIn(StreamNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace s1c::pipeline
