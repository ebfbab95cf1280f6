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
  if (options.lookback_seconds > 0) {
    for (const auto* e : delivered) cp.recent_keys.push_back({std::string(e->key), e->time_us});
    const int64_t horizon = cp.watermark_us - options.lookback_seconds * kMicrosPerSecond;
    std::erase_if(cp.recent_keys,
                  [horizon](const state::SeenKey& k) { return k.time_us < horizon; });
    if (cp.recent_keys.size() > options.max_recent_keys) {
      // Keep the newest: the oldest are the first to leave the window anyway.
      std::stable_sort(cp.recent_keys.begin(), cp.recent_keys.end(),
                       [](const auto& a, const auto& b) { return a.time_us < b.time_us; });
      cp.recent_keys.erase(
          cp.recent_keys.begin(),
          cp.recent_keys.end() - static_cast<std::ptrdiff_t>(options.max_recent_keys));
    }
  }
  cp.events_done += static_cast<int64_t>(delivered.size());
  return forgot;
}

}  // namespace

Poller::Poller(PollerOptions options, s1::PageSource& source, intake::EventSink& sink,
               state::StateStore& store, Clock& clock, UniformRandom random)
    : options_(std::move(options)),
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
    S1C_RETURN_IF_ERROR(store_.Commit(options_.console, options_.state_name, cp));
    checkpoint_ = std::move(cp);
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
  S1C_RETURN_IF_ERROR(store_.Commit(options_.console, options_.state_name, *checkpoint_)
                          .Annotate("cannot save the checkpoint"));
  last_commit_ = clock_.MonotonicNow();
  return Status::Ok();
}

Result<CycleResult> Poller::RunCycle(const StopToken& stop, const ProgressFn& progress) {
  S1C_RETURN_IF_ERROR(EnsureLoaded());
  Result<CycleResult> result = Drain(stop, progress);
  // Whatever ended the drain, acknowledged progress is written before returning.
  if (dirty_) {
    Status committed = CommitNow();
    if (!committed.ok() && result.ok()) return committed;
  }
  return result;
}

Result<CycleResult> Poller::Drain(const StopToken& stop, const ProgressFn& progress) {
  state::Checkpoint& cp = *checkpoint_;
  const s1::StreamSpec& spec = *options_.spec;
  const int64_t lookback_us = int64_t{options_.lookback_seconds} * kMicrosPerSecond;

  s1::PageQuery query;
  query.since = lookback_us > 0 ? FormatIsoTime(cp.watermark_us - lookback_us) : cp.watermark;
  query.until = options_.until;
  query.limit = options_.page_size;
  query.params = options_.params;

  // What was already delivered: keys at the watermark, and keys seen inside
  // the lookback window. Kept in sync with `cp` as pages are committed.
  KeySet boundary(cp.boundary_keys.begin(), cp.boundary_keys.end());
  KeySet recent;
  for (const auto& k : cp.recent_keys) recent.insert(k.key);

  CycleResult result;
  // Cursors of this drain, to catch an API that loops. A backfill drain can
  // be millions of pages, so the set is emptied every kMaxCursorsRemembered
  // cursors: memory stays flat, and a loop shorter than that is still caught
  // within two rounds of it.
  std::unordered_set<std::string> cursors_seen;
  // The next page is fetched while the current one is forwarded; a fetch in
  // flight is waited for before any return (the prefetcher's destructor).
  auto fetch = [this, &spec](const s1::PageQuery& q) { return source_.FetchPage(spec, q); };
  internal::PagePrefetcher prefetch(fetch);

  Result<s1::Page> current = fetch(query);
  while (true) {
    if (!current.ok()) return current.status();
    s1::Page page = std::move(current).value();
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
      if (result.pages < options_.max_pages_per_cycle && !stop.StopRequested()) {
        s1::PageQuery next = query;
        next.cursor = page.next_cursor;
        prefetch.Start(std::move(next));
      }
    }

    // Drop what a previous run (or an overlapping lookback window) delivered.
    std::vector<const s1::RawEvent*> to_send;
    to_send.reserve(page.events.size());
    for (const auto& e : page.events) {
      const bool at_boundary = e.time_us == cp.watermark_us && boundary.count(e.key) > 0;
      const bool seen_recently = lookback_us > 0 && recent.count(e.key) > 0;
      if (at_boundary || seen_recently) {
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
        if (Advance(cp, delivered, options_)) {
          spdlog::warn(
              "More events share one timestamp than the checkpoint keeps keys for; some of them "
              "may be delivered again. console={} stream={} time={} max_boundary_keys={}",
              options_.console, spec.name, cp.watermark, options_.max_boundary_keys);
        }
        dirty_ = true;
        if (options_.commit_interval.count() <= 0 ||
            clock_.MonotonicNow() - last_commit_ >= options_.commit_interval) {
          S1C_RETURN_IF_ERROR(CommitNow());
        }
        boundary = KeySet(cp.boundary_keys.begin(), cp.boundary_keys.end());
        if (lookback_us > 0) {
          for (const auto* e : delivered) recent.emplace(e->key);
        }
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
      if (!clock_.SleepFor(wait, stop))
        return Cancelled("stop requested while waiting for the intake");
    }
    if (progress) progress(result, cp);

    if (!more) {
      result.caught_up = true;
      break;
    }
    if (!prefetch.pending()) break;  // Page budget used or stop requested: resume next cycle.
    current = prefetch.Take();
  }
  return result;
}

}  // namespace s1c::pipeline
