#include "s1c/http/retry_after.h"

#include <array>
#include <chrono>
#include <limits>

namespace s1c::http {
namespace {

using std::chrono::milliseconds;

// Longer than any sane server would ask for (the caller caps waits at one
// hour anyway); past this a value is treated as garbage rather than saturated.
constexpr int64_t kMaxDeltaSeconds = int64_t{1} << 40;

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kShortDays = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// A cursor over the value. A parser chains calls with && and gives up at
// the first mismatch; a failed parse leaves nothing to undo.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ == s_.size(); }

  bool Char(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Exactly `n` digits.
  bool Digits(int n, int* out) {
    if (pos_ + n > s_.size()) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (!IsDigit(s_[pos_ + i])) return false;
      v = v * 10 + (s_[pos_ + i] - '0');
    }
    pos_ += n;
    *out = v;
    return true;
  }

  // One of `names` (case-insensitive); returns its index.
  template <size_t N>
  bool Name(const std::array<std::string_view, N>& names, int* index) {
    for (size_t i = 0; i < N; ++i) {
      const std::string_view name = names[i];
      if (pos_ + name.size() <= s_.size() && EqualsIgnoreCase(s_.substr(pos_, name.size()), name)) {
        pos_ += name.size();
        *index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }

  // "HH:MM:SS"
  bool TimeOfDay(int* h, int* m, int* s) {
    return Digits(2, h) && Char(':') && Digits(2, m) && Char(':') && Digits(2, s);
  }

  bool Gmt() {
    if (pos_ + 3 > s_.size() || s_.substr(pos_, 3) != "GMT") return false;
    pos_ += 3;
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// Returns seconds since the Unix epoch, or nullopt for an impossible date.
std::optional<int64_t> ToEpochSeconds(const DateTime& t) {
  using namespace std::chrono;
  const year_month_day ymd{year{t.year}, month{static_cast<unsigned>(t.month)},
                           day{static_cast<unsigned>(t.day)}};
  // Second 60 is allowed for leap seconds (RFC 5322); it simply rolls over.
  if (!ymd.ok() || t.hour > 23 || t.minute > 59 || t.second > 60) return std::nullopt;
  const int64_t days = sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
bool ParseImfFixdate(std::string_view v, DateTime* t) {
  Scanner s(v);
  int ignored_weekday;
  return s.Name(kShortDays, &ignored_weekday) && s.Char(',') && s.Char(' ') &&
         s.Digits(2, &t->day) && s.Char(' ') && s.Name(kMonths, &t->month) && s.Char(' ') &&
         s.Digits(4, &t->year) && s.Char(' ') && s.TimeOfDay(&t->hour, &t->minute, &t->second) &&
         s.Char(' ') && s.Gmt() && s.AtEnd();
}

// Obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". The two-digit year is
// resolved as RFC 9110 section 5.6.7 says: a year more than 50 years in the
// future means the most recent past year with the same last two digits.
bool ParseRfc850(std::string_view v, int64_t now_seconds, DateTime* t) {
  Scanner s(v);
  int ignored_weekday, yy;
  if (!(s.Name(kLongDays, &ignored_weekday) && s.Char(',') && s.Char(' ') && s.Digits(2, &t->day) &&
        s.Char('-') && s.Name(kMonths, &t->month) && s.Char('-') && s.Digits(2, &yy) &&
        s.Char(' ') && s.TimeOfDay(&t->hour, &t->minute, &t->second) && s.Char(' ') && s.Gmt() &&
        s.AtEnd())) {
    return false;
  }
  using namespace std::chrono;
  const auto now_days = sys_days{} + days{now_seconds / 86400};
  const int this_year = static_cast<int>(year_month_day{now_days}.year());
  int candidate = this_year - this_year % 100 + yy;
  if (candidate > this_year + 50) candidate -= 100;
  t->year = candidate;
  return true;
}

// asctime: "Sun Nov  6 08:49:37 1994" (day padded with a space or a zero).
bool ParseAsctime(std::string_view v, DateTime* t) {
  Scanner s(v);
  int ignored_weekday;
  if (!(s.Name(kShortDays, &ignored_weekday) && s.Char(' ') && s.Name(kMonths, &t->month) &&
        s.Char(' '))) {
    return false;
  }
  int d1;
  if (s.Char(' ')) {
    if (!s.Digits(1, &d1)) return false;
    t->day = d1;
  } else if (!s.Digits(2, &t->day)) {
    return false;
  }
  return s.Char(' ') && s.TimeOfDay(&t->hour, &t->minute, &t->second) && s.Char(' ') &&
         s.Digits(4, &t->year) && s.AtEnd();
}

std::string_view TrimOws(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

}  // namespace

std::optional<milliseconds> ParseRetryAfter(std::string_view value, int64_t now_micros) {
  value = TrimOws(value);
  if (value.empty()) return std::nullopt;

  if (IsDigit(value.front())) {
    int64_t seconds = 0;
    for (char c : value) {
      if (!IsDigit(c)) return std::nullopt;
      seconds = seconds * 10 + (c - '0');
      if (seconds > kMaxDeltaSeconds) return std::nullopt;
    }
    return milliseconds(seconds * 1000);
  }

  DateTime t;
  const int64_t now_seconds = now_micros / 1000000;
  if (!ParseImfFixdate(value, &t) && !ParseRfc850(value, now_seconds, &t) &&
      !ParseAsctime(value, &t)) {
    return std::nullopt;
  }
  // Month index came from the table (0-based).
  t.month += 1;
  const std::optional<int64_t> at = ToEpochSeconds(t);
  if (!at) return std::nullopt;
  const int64_t delta_micros = *at * 1000000 - now_micros;
  if (delta_micros <= 0) return milliseconds(0);
  // Round up so a retry never starts before the moment the server named.
  return milliseconds((delta_micros + 999) / 1000);
}

}  // namespace s1c::http
