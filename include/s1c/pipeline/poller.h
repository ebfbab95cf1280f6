// Poller: drives one (console, stream) from its checkpoint: fetch a page,
// drop what was already delivered, hand the rest to the sink, and commit the
// checkpoint only once the sink has accepted every event before it
// (docs/design.md sections 2 and 4).
//
// Late indexing (lookback_seconds = L > 0): each cycle first sweeps the
// window that has settled since the last sweep, [sweep position, min(now - L,
// watermark)), sending only the events the fresh read did not see (SeenKeys),
// then reads fresh from the watermark. So each window is read about twice,
// once fresh and once settled, whatever L and the poll interval. A window
// first read when already older than L (catching up, a backfill of the past)
// is settled when read and never swept. An event indexed more than L after
// its own time is missed by both reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "s1c/core/backoff.h"
#include "s1c/core/clock.h"
#include "s1c/core/status.h"
#include "s1c/core/stop_token.h"
#include "s1c/intake/event_sink.h"
#include "s1c/s1/client.h"
#include "s1c/state/state_store.h"

namespace s1c::pipeline {

struct PollerOptions {
  std::string console;
  const s1::StreamSpec* spec = nullptr;            // REQUIRES: non-null, from s1::AllStreams().
  std::string state_name;                          // Checkpoint name; empty = spec->name.
  std::shared_ptr<const s1::StreamParams> params;  // The stream's own request settings, if any.
  int page_size = 1000;
  std::string start_from = "24h";  // Used when there is no checkpoint yet.
  int lookback_seconds = 0;
  // Bound on the keys kept for the sweep (16 bytes each in memory, about 10
  // in the checkpoint file). Past it the oldest are dropped: the sweep may then
  // send some events twice, never lose one.
  size_t max_seen_keys = 500000;
  // Bound on the keys kept for events at exactly the watermark time (a
  // console sending endless events with one timestamp must not grow the
  // checkpoint without end). Past it, further keys at that time are not
  // kept and those events are delivered again by each poll until a newer
  // event moves the watermark: duplicates, never a loss.
  size_t max_boundary_keys = 100000;
  std::optional<std::string> until;  // Exclusive upper time bound (backfill).
  int max_pages_per_cycle = 100;     // So one busy stream cannot starve others.
  // Checkpoint commits are coalesced: after an acknowledged delivery the
  // checkpoint is written only if the last write is at least this old, and
  // always before RunCycle returns (caught up, page budget, error or stop).
  // It never covers an unacknowledged event. 0 (default) writes after every
  // acknowledged delivery, so a crash re-sends at most the page in flight;
  // with N ms it re-sends at most the pages acknowledged in the last N ms
  // plus the one in flight, for one fsync per N ms instead of one per page.
  std::chrono::milliseconds commit_interval{0};
  BackoffPolicy intake_backoff;  // Waits between intake retries.
};

struct CycleResult {
  int pages = 0;
  int64_t events_fetched = 0;
  int64_t events_forwarded = 0;  // Delivered to the sink (dead-lettered included).
  int64_t events_dead_lettered = 0;
  int64_t events_skipped = 0;  // Already delivered before (boundary or seen keys).
  int64_t late_events = 0;     // Sent by the sweep: indexed after the fresh read passed them.
  // For each late event, how long after its own time the fresh read that
  // missed it ran: a lower bound of how late the console indexed it.
  // Unknown (not listed) for windows read fresh before a restart.
  std::vector<double> late_delays_seconds;
  int64_t intake_retries = 0;
  bool caught_up = false;              // The drain reached the end of the data.
  std::optional<int64_t> total_items;  // From the first page, for progress.
};

// Called after each page is delivered (and committed, unless commit_interval
// defers the write): the cumulative cycle figures so far.
using ProgressFn = std::function<void(const CycleResult&, const state::Checkpoint&)>;

// Not thread-safe: one thread runs a Poller at a time (the scheduler gives
// each stream one task). The page source, sink and store are shared and
// thread-safe. Holds the checkpoint in memory after the first load.
class Poller {
 public:
  Poller(PollerOptions options, s1::PageSource& source, intake::EventSink& sink,
         state::StateStore& store, Clock& clock, UniformRandom random);

  // Drains pages until caught up, `max_pages_per_cycle` pages, or a stop.
  // While the intake answers "retry", waits with backoff and retries the
  // undelivered events forever (backpressure: no new page is fetched).
  // Returns an error for API failures (retry policy is the caller's), a
  // rejected delivery (nothing committed for it), a failed commit, a cursor
  // loop, or kCancelled on stop. On every return the committed checkpoint
  // covers exactly the events accepted by the sink.
  Result<CycleResult> RunCycle(const StopToken& stop, const ProgressFn& progress = {});

  // The last committed checkpoint (loaded on first use); nullopt before any.
  Result<std::optional<state::Checkpoint>> Checkpoint();
  // The events the checkpoint counts as delivered, from memory (no copy, no
  // read): nullopt until a cycle has loaded the checkpoint.
  std::optional<int64_t> events_done() const {
    if (!loaded_) return std::nullopt;
    return checkpoint_ ? checkpoint_->events_done : 0;
  }

  const PollerOptions& options() const { return options_; }

 private:
  enum class ScanKind { kFresh, kSweep };
  Status EnsureLoaded();
  // Event times a scan owns, [from_us, to_us): a sweep owns exactly its
  // window, even where the API widens the bounds it was asked for.
  struct TimeRange {
    int64_t from_us = INT64_MIN;
    int64_t to_us = INT64_MAX;
  };
  // Reads pages from `query` until the end, the page budget or a stop,
  // delivering what was not sent before and moving the checkpoint (the
  // watermark for a fresh read, the sweep position for a sweep).
  Status Scan(ScanKind kind, const s1::PageQuery& query, TimeRange owned, int64_t cycle_start_us,
              const StopToken& stop, const ProgressFn& progress, CycleResult& result);
  // Moves the checkpoint past the delivered events of a page.
  void OnDelivered(ScanKind kind, const std::vector<const s1::RawEvent*>& delivered,
                   int64_t cycle_start_us, CycleResult& result);
  // Writes the in-memory checkpoint now.
  Status CommitNow();

  PollerOptions options_;
  const int64_t lookback_us_;  // options_.lookback_seconds, in µs; 0: no sweep.
  s1::PageSource& source_;
  intake::EventSink& sink_;
  state::StateStore& store_;
  Clock& clock_;
  Backoff backoff_;
  bool loaded_ = false;
  std::optional<state::Checkpoint> checkpoint_;
  bool dirty_ = false;       // checkpoint_ holds acknowledged progress not yet written.
  state::SeenKeys seen_;     // With lookback: keys sent at or after the sweep position.
  // Where fresh reads got to, and when they started: to tell how late a
  // late event was (in memory only; bounded by the sweep window).
  struct FreshRead {
    int64_t up_to_us;
    int64_t started_us;
  };
  std::deque<FreshRead> fresh_reads_;  // Ascending: the watermark only moves forward.
  std::chrono::steady_clock::time_point last_commit_{};
};

}  // namespace s1c::pipeline
