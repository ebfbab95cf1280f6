#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "s1c/core/thread_name.h"

namespace s1c::app {
namespace {

constexpr std::chrono::milliseconds kTerminalRedraw{200};
constexpr std::chrono::milliseconds kTerminalRefresh{1000};
constexpr int kDefaultColumns = 80;

std::string Printf(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

int TerminalColumns() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return kDefaultColumns;
}

}  // namespace

std::string FormatEta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  // Round up: "0:00" while work remains would be a lie.
  auto total = static_cast<int64_t>(std::ceil(seconds));
  const int64_t days = total / 86400;
  total %= 86400;
  const int64_t h = total / 3600;
  const int64_t m = (total % 3600) / 60;
  const int64_t s = total % 60;
  char buf[64];
  if (days > 0) {
    std::snprintf(buf, sizeof buf, "%lldd %02lld:%02lld:%02lld", static_cast<long long>(days),
                  static_cast<long long>(h), static_cast<long long>(m), static_cast<long long>(s));
  } else if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(m),
                  static_cast<long long>(s));
  }
  return buf;
}

std::string FormatCount(int64_t n) {
  const double v = static_cast<double>(n);
  const double a = std::fabs(v);
  if (a < 1000) return std::to_string(n);
  // Three significant digits, with a suffix; 999950 would print as "1000k".
  auto scaled = [](double x, const char* suffix) {
    const char* format = std::fabs(x) < 9.995 ? "%.2f" : std::fabs(x) < 99.95 ? "%.1f" : "%.0f";
    return Printf(format, x) + suffix;
  };
  if (a < 999500) return scaled(v / 1e3, "k");
  if (a < 999500000) return scaled(v / 1e6, "M");
  return scaled(v / 1e9, "G");
}

std::optional<double> EtaSeconds(const ProgressSnapshot& s) {
  if (!s.total || s.rate <= 0) return std::nullopt;
  const double left = static_cast<double>(std::max<int64_t>(0, *s.total - s.done));
  return left / s.rate;
}

std::optional<double> Percent(const ProgressSnapshot& s) {
  if (!s.total) return std::nullopt;
  if (*s.total <= 0) return 100.0;
  return std::clamp(100.0 * static_cast<double>(s.done) / static_cast<double>(*s.total), 0.0,
                    100.0);
}

std::string FormatProgressBar(const ProgressSnapshot& s, int width) {
  const std::string rate = FormatCount(static_cast<int64_t>(std::llround(s.rate))) + "/s";
  if (!s.total) {
    std::string line = FormatCount(s.done) + " events  " + rate + "  (total unknown)";
    if (static_cast<int>(line.size()) > width) line.resize(static_cast<size_t>(std::max(0, width)));
    return line;
  }
  const double pct = Percent(s).value_or(0);
  const auto eta = EtaSeconds(s);
  const std::string tail = Printf("%5.1f%%", pct) + "  " + FormatCount(s.done) + "/" +
                           FormatCount(*s.total) + " events  " + rate + "  ETA " +
                           (eta ? FormatEta(*eta) : std::string("--:--"));
  // The bar takes what the figures leave, between 10 and 40 cells.
  const int cells = std::clamp(width - static_cast<int>(tail.size()) - 4, 0, 40);
  if (cells < 10) {
    std::string line = tail;
    if (static_cast<int>(line.size()) > width) line.resize(static_cast<size_t>(std::max(0, width)));
    return line;
  }
  const int filled = static_cast<int>(std::floor(pct / 100.0 * cells));
  std::string bar = "[";
  bar.append(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(cells - filled), '.');
  bar += "]  ";
  return bar + tail;
}

std::string FormatProgressFields(const ProgressSnapshot& s) {
  std::string out = "events=" + std::to_string(s.done);
  out += " total=" + (s.total ? std::to_string(*s.total) : std::string("unknown"));
  if (const auto pct = Percent(s)) out += " percent=" + Printf("%.1f", *pct);
  out += " rate=" + Printf("%.0f", s.rate) + "/s";
  const auto eta = EtaSeconds(s);
  out += " eta=" + (eta ? FormatEta(*eta) : std::string("unknown"));
  out += " pages=" + std::to_string(s.pages);
  if (!s.watermark.empty()) out += " watermark=" + s.watermark;
  return out;
}

void RateMeter::Add(std::chrono::steady_clock::time_point at, int64_t count) {
  samples_.emplace_back(at, count);
  // Keep one sample older than the window so the rate spans all of it.
  while (samples_.size() > 2 && samples_[1].first <= at - window_) samples_.pop_front();
}

double RateMeter::Rate() const {
  if (samples_.size() < 2) return 0;
  const auto& [t0, n0] = samples_.front();
  const auto& [t1, n1] = samples_.back();
  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  if (seconds <= 0) return 0;
  return static_cast<double>(n1 - n0) / seconds;
}

ProgressReporter::ProgressReporter(bool terminal, std::chrono::milliseconds line_interval,
                                   std::function<void(const std::string&)> emit_line,
                                   std::string label)
    : terminal_(terminal),
      interval_(terminal ? kTerminalRedraw : line_interval),
      emit_line_(std::move(emit_line)),
      label_(std::move(label)) {
  thread_ = NamedThread("s1c-progress", [this] { Loop(); });
}

ProgressReporter::~ProgressReporter() { Finish(); }

void ProgressReporter::Update(const ProgressSnapshot& s) {
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = s;
  have_snapshot_ = true;
  ++version_;
}

void ProgressReporter::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!terminal_) return;  // The caller's summary line follows.
  std::lock_guard<std::mutex> lock(mu_);
  if (have_snapshot_) DrawLocked();  // The final figures, whatever the interval.
  if (drawn_) {
    std::fputs("\n", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
}

void ProgressReporter::AroundOutput(const std::function<void()>& write) {
  if (!terminal_) {
    write();
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
  write();
  if (drawn_ && !finished_) DrawLocked();
}

void ProgressReporter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!finished_) {
    cv_.wait_for(lock, interval_, [this] { return finished_; });
    if (finished_ || !have_snapshot_) continue;
    if (terminal_) {
      // Redraw on news, and now and then so a long wait does not look hung.
      const auto now = std::chrono::steady_clock::now();
      if (version_ != drawn_version_ || now - last_draw_ >= kTerminalRefresh) {
        DrawLocked();
        drawn_version_ = version_;
        last_draw_ = now;
      }
    } else if (emit_line_) {
      // Outside the lock: the line goes through the logger, which may be slow.
      const std::string line = FormatProgressFields(snapshot_);
      lock.unlock();
      emit_line_(line);
      lock.lock();
    }
  }
}

void ProgressReporter::DrawLocked() {
  const int columns = TerminalColumns();
  const std::string prefix = label_.empty() ? "" : label_ + " ";
  std::string line =
      prefix + FormatProgressBar(snapshot_, columns - 1 - static_cast<int>(prefix.size()));
  if (static_cast<int>(line.size()) > columns - 1) line.resize(static_cast<size_t>(columns - 1));
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace s1c::app
