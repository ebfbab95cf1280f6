#include "backfill_range.h"

#include <algorithm>
#include <cctype>

#include "s1c/core/iso_time.h"

namespace s1c::app {
namespace {

constexpr std::string_view kPrefix = "backfill-";

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

Result<int64_t> ParseRangeTime(std::string_view text) {
  // A bare date: the most common way to say where a history pull starts.
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && AllDigits(text.substr(0, 4)) &&
      AllDigits(text.substr(5, 2)) && AllDigits(text.substr(8, 2))) {
    return ParseIsoTime(std::string(text) + "T00:00:00Z");
  }
  Result<int64_t> t = ParseIsoTime(text);
  if (t.ok()) return t;
  if (ParseDurationMicros(text).ok()) {
    return InvalidArgument("\"" + std::string(text) +
                           "\" is a duration; give an absolute time (e.g. 2026-01-01T00:00:00Z or "
                           "2026-01-01) so an interrupted backfill can be resumed");
  }
  return InvalidArgument("\"" + std::string(text.substr(0, 64)) +
                         "\" is not a time; use ISO-8601 (2026-01-01T00:00:00Z) or a date "
                         "(2026-01-01)");
}

std::string CompactTime(int64_t micros) {
  // FormatIsoTime: "YYYY-MM-DDTHH:MM:SS.ffffffZ".
  const std::string iso = FormatIsoTime(micros);
  std::string out;
  out.reserve(iso.size());
  for (char c : iso) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  // "20260101T000000.000000Z" -> "20260101T000000Z".
  const auto dot = out.find('.');
  if (dot != std::string::npos && out.compare(dot, 8, ".000000Z") == 0) out.erase(dot, 7);
  return out;
}

Result<int64_t> ParseCompactTime(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("\"" + std::string(text.substr(0, 64)) +
                           "\" is not a compact time (YYYYMMDDTHHMMSS[.ffffff]Z)");
  };
  if (text.size() < 16 || text[8] != 'T' || text.back() != 'Z') return bad();
  const std::string_view date = text.substr(0, 8);
  const std::string_view time = text.substr(9, 6);
  std::string_view fraction = text.substr(15, text.size() - 16);
  if (!AllDigits(date) || !AllDigits(time)) return bad();
  if (!fraction.empty() &&
      (fraction.size() != 7 || fraction[0] != '.' || !AllDigits(fraction.substr(1)))) {
    return bad();
  }
  std::string iso;
  iso.append(date.substr(0, 4)).append("-").append(date.substr(4, 2)).append("-");
  iso.append(date.substr(6, 2)).append("T").append(time.substr(0, 2)).append(":");
  iso.append(time.substr(2, 2)).append(":").append(time.substr(4, 2));
  iso.append(fraction).append("Z");
  Result<int64_t> t = ParseIsoTime(iso);
  if (!t.ok()) return bad();
  return t;
}

std::string BackfillStateName(std::string_view stream, int64_t from_us, int64_t to_us) {
  return BackfillNamePrefix(stream, from_us) + CompactTime(to_us);
}

std::string BackfillNamePrefix(std::string_view stream, int64_t from_us) {
  return std::string(kPrefix) + std::string(stream) + "-" + CompactTime(from_us) + "-";
}

std::optional<BackfillName> ParseBackfillStateName(std::string_view name) {
  if (!name.starts_with(kPrefix)) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  // Compact times hold no '-': the last two fields are the times.
  const auto second = name.rfind('-');
  if (second == std::string_view::npos || second == 0) return std::nullopt;
  const auto first = name.rfind('-', second - 1);
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  Result<int64_t> from = ParseCompactTime(name.substr(first + 1, second - first - 1));
  Result<int64_t> to = ParseCompactTime(name.substr(second + 1));
  if (!from.ok() || !to.ok()) return std::nullopt;
  BackfillName out;
  out.stream = std::string(name.substr(0, first));
  out.from_us = *from;
  out.to_us = *to;
  // Only names this build would have written, so the round trip is exact.
  if (BackfillStateName(out.stream, out.from_us, out.to_us) !=
      std::string(kPrefix) + std::string(name)) {
    return std::nullopt;
  }
  return out;
}

}  // namespace s1c::app
