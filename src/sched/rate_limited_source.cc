#include "s1c/sched/rate_limited_source.h"

namespace s1c::sched {

RateLimitedSource::RateLimitedSource(s1::PageSource& inner, TokenBucket& bucket, StopToken stop,
                                     UniformRandom random)
    : inner_(inner),
      bucket_(bucket),
      stop_(std::move(stop)),
      backoff_(
          BackoffPolicy{std::chrono::milliseconds(1000), std::chrono::milliseconds(120000), 2.0},
          std::move(random)) {}

Result<s1::Page> RateLimitedSource::FetchPage(const s1::StreamSpec& spec,
                                              const s1::PageQuery& query) {
  if (!bucket_.Acquire(stop_)) return Cancelled("stop requested while waiting for the rate limit");
  auto page = inner_.FetchPage(spec, query);
  std::lock_guard<std::mutex> lock(mu_);
  if (!page.ok() && page.status().code() == StatusCode::kRateLimited) {
    // The console's limit is shared by its streams: pause them all. Without a
    // Retry-After (nginx's HTML 429 often has none), back off exponentially.
    ++consecutive_429_;
    bucket_.PauseFor(backoff_.NextDelay(consecutive_429_, page.status().retry_after()) +
                     std::chrono::milliseconds(page.status().retry_after() ? 0 : 250));
  } else if (page.ok()) {
    consecutive_429_ = 0;
  }
  return page;
}

}  // namespace s1c::sched
