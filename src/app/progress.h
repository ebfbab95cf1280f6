// Backfill progress: the figures (events done out of an estimated total,
// rate, ETA) and how they are shown, either as a bar redrawn in place on a
// terminal or as a log line every few seconds. The formatting functions are
// pure so they can be unit-tested; ProgressReporter owns the drawing thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace s1c::app {

// One moment of a backfill, as the poller last reported it.
struct ProgressSnapshot {
  int64_t done = 0;              // Events delivered in this range so far (earlier runs included).
  std::optional<int64_t> total;  // Estimated events in the range, when the API said.
  double rate = 0;               // Events per second in this run (recent).
  int64_t pages = 0;             // Pages fetched in this run.
  std::string watermark;         // Newest delivered time.
};

// "0:07", "12:05", "3:02:11", "2d 04:00:00"; "--:--" for a negative or
// unknown (NaN, infinite) number of seconds.
std::string FormatEta(double seconds);

// "950", "12.3k", "4.56M": short counts for the bar.
std::string FormatCount(int64_t n);

// Estimated seconds left, or nullopt when there is no total or no rate yet.
std::optional<double> EtaSeconds(const ProgressSnapshot& s);

// Percent done (0..100, clamped: the total is an estimate), or nullopt.
std::optional<double> Percent(const ProgressSnapshot& s);

// The terminal line for `s`, at most `width` columns:
// "[########............]  42.0%  4.20k/10.0k events  1.23k/s  ETA 0:05"
// Without a total: "4.20k events  1.23k/s  (total unknown)".
std::string FormatProgressBar(const ProgressSnapshot& s, int width);

// The log line fields for non-terminals:
// "events=4200 total=10000 percent=42.0 rate=1234/s eta=0:05 pages=5 watermark=..."
std::string FormatProgressFields(const ProgressSnapshot& s);

// Events per second over a sliding window of recent samples (so a slow
// start or a long intake outage stops weighing after `window`). Not
// thread-safe.
class RateMeter {
 public:
  explicit RateMeter(std::chrono::milliseconds window = std::chrono::seconds(10))
      : window_(window) {}
  // Records that `count` events (cumulative, this run) were done at `at`.
  void Add(std::chrono::steady_clock::time_point at, int64_t count);
  // Events per second over the window; 0 before two samples.
  double Rate() const;

 private:
  std::chrono::milliseconds window_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, int64_t>> samples_;
};

// Shows progress while a backfill runs. On a terminal a bar is redrawn in
// place on stderr every `redraw` interval (and log lines are printed above
// it, see Wrap); otherwise `emit_line` is called with FormatProgressFields
// every `line_interval`. Thread-safe: Update() is called from the poller
// thread, drawing happens on an internal thread.
class ProgressReporter {
 public:
  ProgressReporter(bool terminal, std::chrono::milliseconds line_interval,
                   std::function<void(const std::string&)> emit_line, std::string label);
  ~ProgressReporter();  // Stops the thread; on a terminal ends the bar with a newline.

  void Update(const ProgressSnapshot& s);
  // Draws once more and stops drawing (idempotent).
  void Finish();

  // Clears the bar before `write` (a log line) and redraws it after, so log
  // lines never land in the middle of the bar. No-op wrapper off a terminal.
  void AroundOutput(const std::function<void()>& write);

 private:
  void Loop();
  void DrawLocked();

  const bool terminal_;
  const std::chrono::milliseconds interval_;
  std::function<void(const std::string&)> emit_line_;
  const std::string label_;
  std::mutex mu_;
  std::condition_variable cv_;
  ProgressSnapshot snapshot_;
  bool have_snapshot_ = false;
  bool finished_ = false;
  bool drawn_ = false;          // A bar is on the current terminal line.
  uint64_t version_ = 0;        // Bumped by each Update().
  uint64_t drawn_version_ = 0;  // The version last drawn.
  std::chrono::steady_clock::time_point last_draw_;
  std::thread thread_;
};

}  // namespace s1c::app
