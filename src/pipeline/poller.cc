#include "s1c/pipeline/poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "page_prefetcher.h"
#include "s1c/core/iso_time.h"

namespace s1c::pipeline {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr size_t kMaxCursorsRemembered = 1000;

// A set of dedup keys that an event's key (a view into its page) can be
// looked up in without building a string.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const noexcept {
    return std::hash<std::string_view>{}(key);
  }
};
using KeySet = std::unordered_set<std::string, KeyHash, std::equal_to<>>;

// Applies the delivered events to a checkpoint (docs/design.md section 4): the
// watermark moves to the newest delivered time and boundary_keys holds every
// delivered key at exactly that time, so a restart can ask for
// time >= watermark and skip precisely what was already sent.
// boundary_keys is bounded by max_boundary_keys: once it is full, further
// keys at that same time are not remembered, so those events are delivered
// again by the next poll (never lost). Keeping the first keys, rather than
// the latest, makes each later poll re-send only the events past the bound,
// not all of them. Returns whether a key was left out.
bool Advance(state::Checkpoint& cp, const std::vector<const s1::RawEvent*>& delivered,
             const PollerOptions& options) {
  if (delivered.empty()) return false;
  const s1::RawEvent* newest = delivered.front();
  for (const auto* e : delivered) {
    if (e->time_us > newest->time_us) newest = e;
  }
  if (newest->time_us > cp.watermark_us) {
    cp.watermark = newest->time_text;
    cp.watermark_us = newest->time_us;
    cp.boundary_keys.clear();
  }
  bool forgot = false;
  if (newest->time_us == cp.watermark_us) {
    KeySet have(cp.boundary_keys.begin(), cp.boundary_keys.end());
    for (const auto* e : delivered) {
      if (e->time_us != cp.watermark_us || have.count(e->key) > 0) continue;
      if (cp.boundary_keys.size() >= options.max_boundary_keys) {
        forgot = true;
        continue;
      }
      have.emplace(e->key);
      cp.boundary_keys.emplace_back(e->key);
    }
  }
  cp.events_done += static_cast<int64_t>(delivered.size());
  return forgot;
}

}  // namespace

Poller::Poller(PollerOptions options, s1::PageSource& source, intake::EventSink& sink,
               state::StateStore& store, Clock& clock, UniformRandom random)
    : options_(std::move(options)),
      lookback_us_(int64_t{options_.lookback_seconds} * kMicrosPerSecond),
      source_(source),
      sink_(sink),
      store_(store),
      clock_(clock),
      backoff_(options_.intake_backoff, std::move(random)) {
  if (options_.state_name.empty()) options_.state_name = std::string(options_.spec->name);
}

Status Poller::EnsureLoaded() {
  if (loaded_) return Status::Ok();
  auto loaded = store_.Load(options_.console, options_.state_name);
  if (!loaded.ok()) {
    // A corrupt checkpoint is local state, not a bad API reply: asking again
    // cannot fix it, and starting over would lose or repeat events.
    if (loaded.status().code() == StatusCode::kCorrupt) {
      return Status(StatusCode::kBrokenState, loaded.status().message());
    }
    return loaded.status();
  }
  checkpoint_ = std::move(loaded).value();
  if (!checkpoint_) {
    // Pin the start point now so that an empty first cycle does not let a
    // relative start ("24h") slide forward and skip late-indexed events.
    auto start = ParseStartFrom(options_.start_from, clock_.NowMicros());
    if (!start.ok()) return start.status().Annotate("start_from");
    state::Checkpoint cp;
    cp.watermark = FormatIsoTime(*start);
    cp.watermark_us = *start;
    cp.updated_at = FormatIsoTime(clock_.NowMicros());
    cp.sweep_us = *start;
    S1C_RETURN_IF_ERROR(store_.Commit(options_.console, options_.state_name, cp, nullptr));
    checkpoint_ = std::move(cp);
  }
  // A checkpoint from before the sweep: nothing of its past is known to need one.
  if (!checkpoint_->sweep_us) checkpoint_->sweep_us = checkpoint_->watermark_us;
  seen_ = state::SeenKeys(options_.max_seen_keys);
  if (lookback_us_ > 0) {
    auto seen = store_.LoadSeen(options_.console, options_.state_name, options_.max_seen_keys);
    if (!seen.ok() && seen.status().code() != StatusCode::kCorrupt) return seen.status();
    if (!seen.ok()) {
      // Only which events the sweep must not send again is lost: it may
      // send some twice, never lose one. The file is rewritten after a cycle.
      spdlog::warn(
          "Ignoring corrupt seen keys; the late-event sweep may send some events "
          "again. console={} stream={} error=\"{}\"",
          options_.console, options_.state_name, seen.status().message());
    } else if (seen->has_value()) {
      seen_ = std::move(**seen);
    }
  }
  loaded_ = true;
  return Status::Ok();
}

Result<std::optional<state::Checkpoint>> Poller::Checkpoint() {
  if (!loaded_) {
    auto loaded = store_.Load(options_.console, options_.state_name);
    if (!loaded.ok()) return loaded.status();
    return std::move(loaded).value();
  }
  return checkpoint_;
}

Status Poller::CommitNow() {
  checkpoint_->updated_at = FormatIsoTime(clock_.NowMicros());
  // A failed write is not retried here: the error ends the cycle, as it always
  // has, and the progress it held is delivered again after a restart.
  dirty_ = false;
  // The seen keys go with the checkpoint in one write, so every event it
  // counts as sent has its key saved: a crash never makes the sweep send a
  // committed event again.
  S1C_RETURN_IF_ERROR(store_.Commit(options_.console, options_.state_name, *checkpoint_,
                                    lookback_us_ > 0 ? &seen_ : nullptr)
                          .Annotate("cannot save the checkpoint"));
  last_commit_ = clock_.MonotonicNow();
  return Status::Ok();
}

Result<CycleResult> Poller::RunCycle(const StopToken& stop, const ProgressFn& progress) {
  S1C_RETURN_IF_ERROR(EnsureLoaded());
  state::Checkpoint& cp = *checkpoint_;
  const int64_t now_us = clock_.NowMicros();
  std::optional<int64_t> until_us;
  if (options_.until) {
    Result<int64_t> parsed = ParseIsoTime(*options_.until);
    if (!parsed.ok()) return parsed.status().Annotate("backfill end");
    until_us = *parsed;
  }

  s1::PageQuery query;
  query.limit = options_.page_size;
  query.params = options_.params;
  CycleResult result;
  Status status;
  // The sweep first: it brings its position up to the settled line, so the
  // fresh read after it knows whether it reads settled time (no sweep needed).
  int64_t sweep_end = std::min(now_us - lookback_us_, cp.watermark_us);
  if (until_us) sweep_end = std::min(sweep_end, *until_us);
  if (lookback_us_ > 0 && sweep_end > *cp.sweep_us) {
    query.since = FormatIsoTime(*cp.sweep_us);
    query.until = FormatIsoTime(sweep_end);
    status =
        Scan(ScanKind::kSweep, query, {*cp.sweep_us, sweep_end}, now_us, stop, progress, result);
    if (status.ok() && result.caught_up) {
      cp.sweep_us = std::max(*cp.sweep_us, sweep_end);
      seen_.ForgetBefore(sweep_end);
      dirty_ = true;
    }
    result.caught_up = false;
  }
  if (status.ok()) {
    query.since = cp.watermark;
    query.until = options_.until;
    status = Scan(ScanKind::kFresh, query, {}, now_us, stop, progress, result);
  }
  // Whatever ended the cycle, acknowledged progress is written before returning.
  if (dirty_) {
    Status committed = CommitNow();
    if (status.ok()) status = committed;
  }
  if (!status.ok()) return status;
  return result;
}

void Poller::OnDelivered(ScanKind kind, const std::vector<const s1::RawEvent*>& delivered,
                         int64_t cycle_start_us, CycleResult& result) {
  state::Checkpoint& cp = *checkpoint_;
  if (kind == ScanKind::kSweep) {
    cp.events_done += static_cast<int64_t>(delivered.size());
    result.late_events += static_cast<int64_t>(delivered.size());
    for (const auto* e : delivered) {
      // The first fresh read that got past the event's time.
      auto read = std::lower_bound(
          fresh_reads_.begin(), fresh_reads_.end(), e->time_us,
          [](const FreshRead& r, int64_t time_us) { return r.up_to_us < time_us; });
      if (read != fresh_reads_.end() && read->started_us >= e->time_us) {
        result.late_delays_seconds.push_back(static_cast<double>(read->started_us - e->time_us) /
                                             kMicrosPerSecond);
      }
    }
  } else {
    const int64_t watermark_before = cp.watermark_us;
    if (Advance(cp, delivered, options_)) {
      spdlog::warn(
          "More events share one timestamp than the checkpoint keeps keys for; some of them "
          "may be delivered again. console={} stream={} time={} max_boundary_keys={}",
          options_.console, options_.spec->name, cp.watermark, options_.max_boundary_keys);
    }
    // Time this read passed while it was already settled needs no sweep, if
    // no earlier window still waits for one.
    if (lookback_us_ == 0 || *cp.sweep_us >= watermark_before) {
      cp.sweep_us =
          std::max(*cp.sweep_us, std::min(cycle_start_us - lookback_us_, cp.watermark_us));
    }
    if (lookback_us_ > 0 && cp.watermark_us > watermark_before) {
      if (fresh_reads_.size() >= kMaxCursorsRemembered) fresh_reads_.pop_front();
      fresh_reads_.push_back({cp.watermark_us, cycle_start_us});
    }
  }
  if (lookback_us_ == 0) return;
  bool dropped = false;
  for (const auto* e : delivered) {
    if (e->time_us >= *cp.sweep_us) dropped = !seen_.Add(e->key, e->time_us) || dropped;
  }
  seen_.ForgetBefore(*cp.sweep_us);
  while (!fresh_reads_.empty() && fresh_reads_.front().up_to_us < *cp.sweep_us) {
    fresh_reads_.pop_front();
  }
  if (dropped) {
    spdlog::warn(
        "More events fall in the late-event window than max_seen_keys; the sweep may send some "
        "of them again. console={} stream={} max_seen_keys={}",
        options_.console, options_.spec->name, options_.max_seen_keys);
  }
}

Status Poller::Scan(ScanKind kind, const s1::PageQuery& query, TimeRange owned,
                    int64_t cycle_start_us, const StopToken& stop, const ProgressFn& progress,
                    CycleResult& result) {
  state::Checkpoint& cp = *checkpoint_;
  const s1::StreamSpec& spec = *options_.spec;

  // What was already delivered at the watermark. Kept in sync with `cp` as
  // pages are committed.
  KeySet boundary(cp.boundary_keys.begin(), cp.boundary_keys.end());

  // Cursors of this scan, to catch an API that loops. A backfill drain can
  // be millions of pages, so the set is emptied every kMaxCursorsRemembered
  // cursors: memory stays flat, and a loop shorter than that is still caught
  // within two rounds of it.
  std::unordered_set<std::string> cursors_seen;
  // The next page is fetched while the current one is forwarded; a fetch in
  // flight is waited for before any return (the prefetcher's destructor).
  auto fetch = [this, &spec](const s1::PageQuery& q) { return source_.FetchPage(spec, q); };
  internal::PagePrefetcher prefetch(fetch);

  // While the intake is down, only the streams already retrying hold pages:
  // this one waits first, holding nothing, until it is back (or a longest
  // backoff passed, and it tries for itself).
  if (!sink_.WaitWhileFailing(options_.intake_backoff.max, stop)) {
    return Cancelled("stop requested while waiting for the intake");
  }
  int pages = 0;
  Result<s1::Page> current = fetch(query);
  while (true) {
    if (!current.ok()) return current.status();
    s1::Page page = std::move(current).value();
    ++pages;
    ++result.pages;
    if (!result.total_items) result.total_items = page.total_items;
    result.events_fetched += static_cast<int64_t>(page.events.size());
    if (page.events.empty()) {
      result.caught_up = true;
      break;
    }

    const bool more = page.next_cursor.has_value();
    if (more) {
      if (cursors_seen.size() >= kMaxCursorsRemembered) cursors_seen.clear();
      if (!cursors_seen.insert(*page.next_cursor).second) {
        return Status(StatusCode::kCorrupt,
                      "the API returned the same nextCursor twice; stopping this drain to avoid a "
                      "loop (the checkpoint is safe)");
      }
      if (pages < options_.max_pages_per_cycle && !stop.StopRequested()) {
        s1::PageQuery next = query;
        next.cursor = page.next_cursor;
        prefetch.Start(std::move(next));
      }
    }

    // Drop what a previous read delivered: at the watermark (fresh), or
    // inside the late-event window (both).
    std::vector<const s1::RawEvent*> to_send;
    to_send.reserve(page.events.size());
    int64_t page_last_us = 0;
    for (const auto& e : page.events) {
      // An API that widens a bound (the GraphQL API takes whole
      // milliseconds) returns events on either side of a sweep's window
      // that an earlier sweep or the fresh read handles.
      if (e.time_us < owned.from_us || e.time_us >= owned.to_us) continue;
      page_last_us = std::max(page_last_us, e.time_us);
      const bool at_boundary =
          kind == ScanKind::kFresh && e.time_us == cp.watermark_us && boundary.count(e.key) > 0;
      if (at_boundary || (lookback_us_ > 0 && seen_.Contains(e.key, e.time_us))) {
        ++result.events_skipped;
      } else {
        to_send.push_back(&e);
      }
    }

    // Deliver, retrying the undelivered tail while the intake says "retry".
    size_t done = 0;
    int attempt = 0;
    std::vector<intake::EventRef> refs;
    while (done < to_send.size()) {
      refs.clear();
      for (size_t i = done; i < to_send.size(); ++i)
        refs.push_back({to_send[i]->json, to_send[i]->key});
      intake::Delivery d = sink_.Deliver(spec.name, refs);
      if (d.delivered > 0) {
        std::vector<const s1::RawEvent*> delivered(
            to_send.begin() + static_cast<std::ptrdiff_t>(done),
            to_send.begin() + static_cast<std::ptrdiff_t>(done + d.delivered));
        OnDelivered(kind, delivered, cycle_start_us, result);
        dirty_ = true;
        if (options_.commit_interval.count() <= 0 ||
            clock_.MonotonicNow() - last_commit_ >= options_.commit_interval) {
          S1C_RETURN_IF_ERROR(CommitNow());
        }
        boundary = KeySet(cp.boundary_keys.begin(), cp.boundary_keys.end());
        done += d.delivered;
        result.events_forwarded += static_cast<int64_t>(d.delivered);
        result.events_dead_lettered += static_cast<int64_t>(d.dead_lettered);
        attempt = 0;
      }
      if (d.outcome == intake::Outcome::kDelivered) break;
      if (d.outcome == intake::Outcome::kRejected) {
        return d.error.ok() ? Status(StatusCode::kRejected, "the intake rejected the batch")
                            : d.error;
      }
      ++result.intake_retries;
      // Waiting may take long (an intake outage): write what was acknowledged
      // first, so a crash meanwhile re-sends nothing that is already accepted.
      if (dirty_) S1C_RETURN_IF_ERROR(CommitNow());
      const auto wait = backoff_.NextDelay(++attempt, d.error.retry_after());
      spdlog::warn(
          "Intake unavailable; retrying. console={} stream={} attempt={} wait_ms={} error=\"{}\"",
          options_.console, spec.name, attempt, wait.count(), d.error.message());
      if (!sink_.WaitToRetry(clock_, wait, stop))
        return Cancelled("stop requested while waiting for the intake");
    }
    // The sweep has handled every event of this page: resume after it. The
    // same instant is read again then, and SeenKeys holds what was sent at it.
    if (kind == ScanKind::kSweep && page_last_us > *cp.sweep_us) {
      cp.sweep_us = page_last_us;
      seen_.ForgetBefore(page_last_us);
      dirty_ = true;
    }
    if (progress) progress(result, cp);

    if (!more) {
      result.caught_up = true;
      break;
    }
    if (!prefetch.pending()) break;  // Page budget used or stop requested: resume next cycle.
    current = prefetch.Take();
  }
  return Status::Ok();
}

}  // namespace s1c::pipeline
