// s1c::ParseIsoTime (event times and watermarks come from the API and from
// state files), and the duration / start_from parsers used by the config.
#include "fuzz_target.h"
#include "s1c/core/iso_time.h"

S1C_FUZZ_TARGET(FuzzIsoTime) {
  const std::string_view text = AsText(data, size);
  s1c::Result<int64_t> t = s1c::ParseIsoTime(text);
  if (t.ok()) {
    // A parsed time can be written back in the API's format (the poller
    // sends FormatIsoTime(watermark - lookback)) and reads back the same.
    const std::string formatted = s1c::FormatIsoTime(*t);
    s1c::Result<int64_t> again = s1c::ParseIsoTime(formatted);
    S1C_FUZZ_CHECK(again.ok());
    S1C_FUZZ_CHECK(*again == *t);
  } else {
    S1C_FUZZ_CHECK(t.status().message().size() < 400);
  }
  s1c::Result<int64_t> d = s1c::ParseDurationMicros(text);
  if (d.ok()) S1C_FUZZ_CHECK(*d >= 0);
  if (!d.ok()) S1C_FUZZ_CHECK(d.status().message().size() < 400);
  // now = 2026-01-01T00:00:00Z, as the config checker and the poller pass "now".
  s1c::Result<int64_t> start = s1c::ParseStartFrom(text, int64_t{1767225600} * 1000000);
  if (!start.ok()) S1C_FUZZ_CHECK(start.status().message().size() < 400);
  return 0;
}
