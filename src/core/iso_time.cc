#include "s1c/core/iso_time.h"

#include <cstdio>

namespace s1c {
namespace {

// Howard Hinnant's days_from_civil: proleptic Gregorian date to days since 1970-01-01.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; advances pos.
bool ReadDigits(std::string_view s, size_t& pos, int n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since the epoch.
constexpr int64_t kMinSeconds = -62167219200;
constexpr int64_t kMaxSeconds = 253402300799;

Status BadTime(std::string_view text) {
  std::string shown(text.substr(0, 64));
  return InvalidArgument("not an ISO-8601 time: \"" + shown +
                         "\" (expected e.g. 2024-01-31T12:00:00.000000Z)");
}

}  // namespace

Result<int64_t> ParseIsoTime(std::string_view s) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, pos, 4, &year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, &month) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, &day)) {
    return BadTime(s);
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return BadTime(s);
  ++pos;
  if (!ReadDigits(s, pos, 2, &hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, &minute) ||
      !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, &second)) {
    return BadTime(s);
  }
  if (month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, static_cast<unsigned>(month)) || hour > 23 || minute > 59 ||
      second > 60) {
    return BadTime(s);
  }
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return BadTime(s);
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int64_t oh, om;
    if (!ReadDigits(s, pos, 2, &oh)) return BadTime(s);
    if (pos < s.size() && s[pos] == ':') ++pos;
    if (!ReadDigits(s, pos, 2, &om) || oh > 23 || om > 59) return BadTime(s);
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return BadTime(s);  // A time without a zone is ambiguous: refuse it.
  }
  if (pos != s.size()) return BadTime(s);
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  // An offset or a leap second can carry year 0000 or 9999 out of the
  // four-digit range; FormatIsoTime could not write such a time back.
  // (Found by tests/fuzz/iso_time_fuzz.cc.)
  if (secs < kMinSeconds || secs > kMaxSeconds) return BadTime(s);
  return secs * 1000000 + micros;
}

std::string FormatIsoTime(int64_t micros) {
  int64_t secs = micros / 1000000;
  int64_t frac = micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                static_cast<long long>(frac));
  return buf;
}

Result<int64_t> ParseDurationMicros(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty duration");
  size_t pos = 0;
  int64_t value = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (value > 1000000000) {
      return InvalidArgument("duration too large: \"" + std::string(text.substr(0, 64)) + "\"");
    }
    value = value * 10 + (text[pos] - '0');
    ++pos;
  }
  if (pos == 0) {
    return InvalidArgument("not a duration: \"" + std::string(text.substr(0, 64)) +
                           "\" (expected e.g. 90s, 15m, 24h, 7d)");
  }
  std::string_view unit = text.substr(pos);
  int64_t seconds_per_unit;
  if (unit.empty() || unit == "s") seconds_per_unit = 1;
  else if (unit == "m") seconds_per_unit = 60;
  else if (unit == "h") seconds_per_unit = 3600;
  else if (unit == "d") seconds_per_unit = 86400;
  else
    return InvalidArgument("unknown duration unit in \"" + std::string(text.substr(0, 64)) +
                           "\" (use s, m, h or d)");
  // Nobody needs more than a century back; refusing it keeps the arithmetic in range.
  if (value * seconds_per_unit > int64_t{100} * 366 * 86400) {
    return InvalidArgument("duration too large: \"" + std::string(text.substr(0, 64)) + "\" (at most 100 years)");
  }
  return value * seconds_per_unit * 1000000;
}

Result<int64_t> ParseStartFrom(std::string_view text, int64_t now_micros) {
  auto as_time = ParseIsoTime(text);
  if (as_time.ok()) return as_time;
  auto as_duration = ParseDurationMicros(text);
  if (as_duration.ok()) return now_micros - *as_duration;
  return InvalidArgument("\"" + std::string(text.substr(0, 64)) +
                         "\" is neither an ISO-8601 time (2024-01-31T00:00:00Z) nor a duration "
                         "(24h, 7d)");
}

}  // namespace s1c
