#include "s1c/sched/stream_task.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "../pipeline/fakes.h"
#include "fake_clock.h"
#include "mem_state_store.h"
#include "s1c/core/iso_time.h"
#include "s1c/s1/streams.h"
#include "s1c/sched/rate_limited_source.h"

namespace s1c::sched {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kT0 = 1767225600000000;

class RecordingObserver final : public StreamObserver {
 public:
  void OnCycle(const std::string&, const std::string&, const pipeline::CycleResult& r,
               const state::Checkpoint*) override {
    forwarded += r.events_forwarded;
  }
  void OnError(const std::string&, const std::string&, const Status& e, int failures) override {
    last_error = e;
    last_failures = failures;
    ++errors;
  }
  void OnRetry(const std::string&, const std::string&, const Status&, int attempt,
               milliseconds wait) override {
    retries.push_back({attempt, wait});
  }
  void OnPage(const std::string&, const std::string&, const pipeline::CycleResult& so_far,
              const state::Checkpoint& cp) override {
    pages.push_back({so_far.pages, cp.events_done});
  }
  int64_t forwarded = 0;
  Status last_error;
  int last_failures = 0;
  int errors = 0;
  std::vector<std::pair<int, milliseconds>> retries;  // (attempt, wait)
  std::vector<std::pair<int, int64_t>> pages;         // (pages so far, events_done)
};

class StreamTaskTest : public ::testing::Test {
 protected:
  pipeline::Poller MakePoller(int max_pages = 100) {
    pipeline::PollerOptions o;
    o.console = "eu";
    o.spec = s1::FindStream("activities");
    o.page_size = 10;
    o.max_pages_per_cycle = max_pages;
    o.start_from = FormatIsoTime(kT0);
    return pipeline::Poller(o, source_, sink_, store_, clock_, [] { return 0.5; });
  }
  void AddEvents(int n) {
    for (int i = 1; i <= n; ++i) source_.Add("e" + std::to_string(i), kT0 + i * 1000000);
  }
  StreamTaskOptions Options() {
    StreamTaskOptions o;
    o.poll_interval = milliseconds(30000);
    o.auth_backoff = {milliseconds(5000), milliseconds(20000), 2.0};
    o.error_backoff = {milliseconds(1000), milliseconds(8000), 2.0};
    return o;
  }

  testing::FakeClock clock_;
  testing::FakePageSource source_;
  testing::FakeSink sink_;
  testing::MemStateStore store_;
  RecordingObserver observer_;
  StopSource stop_;
};

TEST_F(StreamTaskTest, CaughtUpWaitsForPollInterval) {
  AddEvents(5);
  auto poller = MakePoller();
  StreamTask task(poller, Options(), observer_, [] { return 0.999; });
  EXPECT_EQ(task(stop_.token()), milliseconds(30000));
  EXPECT_EQ(observer_.forwarded, 5);
}

TEST_F(StreamTaskTest, BacklogIsDueAgainAtOnce) {
  AddEvents(50);
  auto poller = MakePoller(2);
  StreamTask task(poller, Options(), observer_, [] { return 0.999; });
  EXPECT_EQ(task(stop_.token()), milliseconds(0));
}

TEST_F(StreamTaskTest, TransientErrorsBackOffExponentiallyUpToTheCap) {
  auto poller = MakePoller();
  StreamTask task(poller, Options(), observer_, [] { return 0.999999; });
  source_.FailNext(5, Unavailable("HTTP 503"));
  EXPECT_EQ(task(stop_.token()), milliseconds(1000));
  EXPECT_EQ(task(stop_.token()), milliseconds(2000));
  EXPECT_EQ(task(stop_.token()), milliseconds(4000));
  EXPECT_EQ(task(stop_.token()), milliseconds(8000));
  EXPECT_EQ(task(stop_.token()), milliseconds(8000));
  EXPECT_EQ(observer_.last_failures, 5);
  EXPECT_EQ(task(stop_.token()), milliseconds(30000));  // Recovered.
}

TEST_F(StreamTaskTest, AuthFailureRetriesSlowlyAndRecovers) {
  AddEvents(3);
  auto poller = MakePoller();
  StreamTask task(poller, Options(), observer_, [] { return 0.5; });
  source_.FailNext(4, Status(StatusCode::kUnauthenticated, "HTTP 401; needs Activity Page.view"));
  EXPECT_EQ(task(stop_.token()), milliseconds(5000));  // No jitter: never hammer a dead token.
  EXPECT_EQ(task(stop_.token()), milliseconds(10000));
  EXPECT_EQ(task(stop_.token()), milliseconds(20000));
  EXPECT_EQ(task(stop_.token()), milliseconds(20000));
  EXPECT_EQ(observer_.last_error.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(task(stop_.token()), milliseconds(30000));
  EXPECT_EQ(observer_.forwarded, 3);
}

TEST_F(StreamTaskTest, OnceModeFinishesWhenCaughtUpOrGivesUp) {
  AddEvents(3);
  auto poller = MakePoller();
  StreamTaskOptions o = Options();
  o.once = true;
  StreamTask task(poller, o, observer_, [] { return 0.5; });
  task(stop_.token());
  EXPECT_TRUE(task.finished());
  EXPECT_FALSE(task.failed());

  auto other = MakePoller();
  StreamTask failing(other, o, observer_, [] { return 0.5; });
  source_.FailNext(1, Status(StatusCode::kPermissionDenied, "HTTP 403"));
  failing(stop_.token());
  EXPECT_TRUE(failing.finished());
  EXPECT_TRUE(failing.failed());
}

// A corrupt checkpoint is not retried like a bad API reply: the stream
// reports it once and waits for a human; a wake (SIGHUP) after the file was
// repaired resumes it.
TEST_F(StreamTaskTest, BrokenCheckpointIsReportedOnceAndParks) {
  AddEvents(3);
  store_.load_error = Corrupt("state file /s/eu/activities.json is corrupt (not valid JSON)");
  pipeline::Poller poller = MakePoller();
  StreamTask task(poller, Options(), observer_, [] { return 0.5; });
  const milliseconds next = task(stop_.token());
  EXPECT_EQ(observer_.last_error.code(), StatusCode::kBrokenState);
  EXPECT_NE(observer_.last_error.message().find("/s/eu/activities.json"), std::string::npos);
  EXPECT_EQ(observer_.last_failures, 1);
  EXPECT_GE(next, std::chrono::hours(24));  // Parked, not retried in a backoff loop.
  EXPECT_EQ(source_.fetches(), 0);  // Nothing was fetched from a guessed start.
  EXPECT_FALSE(task.finished());
  store_.load_error = Status::Ok();
  EXPECT_EQ(task(stop_.token()), milliseconds(30000));
  EXPECT_EQ(observer_.forwarded, 3);
}

TEST_F(StreamTaskTest, BrokenCheckpointFailsAOnceRunAtOnce) {
  store_.load_error = Corrupt("state file x is corrupt");
  pipeline::Poller poller = MakePoller();
  StreamTaskOptions options = Options();
  options.once = true;
  StreamTask task(poller, options, observer_, [] { return 0.5; });
  (void)task(stop_.token());
  EXPECT_TRUE(task.finished());
  EXPECT_TRUE(task.failed());
}

TEST_F(StreamTaskTest, RetriesAreReportedWithTheirWaitAndAGiveUpIsNot) {
  auto poller = MakePoller();
  StreamTaskOptions o = Options();
  o.once = true;
  o.once_max_failures = 3;
  StreamTask task(poller, o, observer_, [] { return 0.999999; });
  source_.FailNext(3, Unavailable("HTTP 503"));
  EXPECT_EQ(task(stop_.token()), milliseconds(1000));
  EXPECT_EQ(task(stop_.token()), milliseconds(2000));
  task(stop_.token());  // The third failure in a row gives up.
  EXPECT_TRUE(task.failed());
  EXPECT_EQ(observer_.errors, 3);
  EXPECT_EQ(observer_.retries, (std::vector<std::pair<int, milliseconds>>{
                                   {1, milliseconds(1000)}, {2, milliseconds(2000)}}));
}

TEST_F(StreamTaskTest, EachDeliveredPageIsPassedToTheObserver) {
  AddEvents(25);
  auto poller = MakePoller();
  StreamTask task(poller, Options(), observer_, [] { return 0.5; });
  EXPECT_EQ(task(stop_.token()), milliseconds(30000));
  EXPECT_EQ(observer_.pages, (std::vector<std::pair<int, int64_t>>{{1, 10}, {2, 20}, {3, 25}}));
}

// A failure after some events were delivered: the daemon counts it with the
// failures before it (only a successful cycle resets the count); a backfill
// (progress_resets_failures) starts the count, and the backoff, again.
TEST_F(StreamTaskTest, ProgressBeforeAFailureStartsTheCountAgainWhenAsked) {
  for (const bool resets : {false, true}) {
    SCOPED_TRACE(resets ? "progress resets" : "daemon");
    testing::FakePageSource source;
    for (int i = 1; i <= 30; ++i) source.Add("e" + std::to_string(i), kT0 + i * 1000000);
    testing::FakeSink sink;
    testing::MemStateStore store;
    pipeline::PollerOptions po;
    po.console = "eu";
    po.spec = s1::FindStream("activities");
    po.page_size = 10;
    po.start_from = FormatIsoTime(kT0);
    pipeline::Poller poller(po, source, sink, store, clock_, [] { return 0.5; });
    StreamTaskOptions o = Options();
    o.once = true;
    o.once_max_failures = 2;
    o.progress_resets_failures = resets;
    RecordingObserver observer;
    StreamTask task(poller, o, observer, [] { return 0.999999; });

    source.FailNext(1, Unavailable("HTTP 503"));
    EXPECT_EQ(task(stop_.token()), milliseconds(1000));  // Nothing delivered: failure 1.
    // The next cycle delivers its first page, then a fetch fails (the second
    // page's, or the third's if the second was already read ahead).
    bool failed_once = false;
    sink.on_deliver = [&] {
      if (!failed_once) source.FailNext(1, Unavailable("HTTP 503"));
      failed_once = true;
    };
    const milliseconds next = task(stop_.token());
    EXPECT_GT(sink.accepted().size(), 0u);
    if (resets) {
      EXPECT_EQ(observer.last_failures, 1);
      EXPECT_EQ(next, milliseconds(1000));
      EXPECT_FALSE(task.finished());
      task(stop_.token());  // The rest of the range.
      EXPECT_TRUE(task.finished());
      EXPECT_FALSE(task.failed());
      EXPECT_EQ(sink.accepted().size(), 30u);
    } else {
      EXPECT_EQ(observer.last_failures, 2);
      EXPECT_TRUE(task.finished());
      EXPECT_TRUE(task.failed());
    }
  }
}

// An error that comes with a stop is the stop's doing: not counted, not
// reported, no backoff, and a once-mode task does not fail for it.
TEST_F(StreamTaskTest, AnErrorDuringAStopIsNotAFailure) {
  auto poller = MakePoller();
  StreamTaskOptions o = Options();
  o.once = true;
  StreamTask task(poller, o, observer_, [] { return 0.5; });
  source_.FailNext(1, Status(StatusCode::kPermissionDenied, "HTTP 403"));
  stop_.RequestStop();
  EXPECT_EQ(task(stop_.token()), milliseconds(0));
  EXPECT_EQ(observer_.errors, 0);
  EXPECT_FALSE(task.finished());
  EXPECT_FALSE(task.failed());
}

TEST_F(StreamTaskTest, RateLimitPausesTheWholeConsole) {
  TokenBucket bucket(1000, 10, clock_);
  RateLimitedSource limited(source_, bucket, stop_.token(), [] { return 0.5; });
  source_.FailNext(
      1, Status(StatusCode::kRateLimited, "HTTP 429").WithRetryAfter(milliseconds(20000)));
  auto page = limited.FetchPage(*s1::FindStream("threats"), {FormatIsoTime(kT0), {}, {}, 10, {}});
  EXPECT_EQ(page.status().code(), StatusCode::kRateLimited);
  // Another stream of the same console now waits out the Retry-After.
  EXPECT_EQ(bucket.TryAcquire(), std::chrono::microseconds(20000000));
  ASSERT_TRUE(
      limited.FetchPage(*s1::FindStream("activities"), {FormatIsoTime(kT0), {}, {}, 10, {}}).ok());
  milliseconds slept{0};
  for (auto d : clock_.sleeps()) slept += d;
  EXPECT_EQ(slept, milliseconds(20000));
}

}  // namespace
}  // namespace s1c::sched
