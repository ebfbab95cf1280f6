// http::ParseRetryAfter: a header value from the console, a proxy or the intake.
#include "fuzz_target.h"
#include "s1c/http/retry_after.h"

S1C_FUZZ_TARGET(FuzzRetryAfter) {
  const std::string_view value = AsText(data, size);
  // "now" values a real clock gives: the epoch, today, and far in the future.
  for (const int64_t now : {int64_t{0}, int64_t{1767225600} * 1000000,
                            int64_t{253402300799} * 1000000}) {
    const auto delay = s1c::http::ParseRetryAfter(value, now);
    if (delay) S1C_FUZZ_CHECK(delay->count() >= 0);
  }
  return 0;
}
