// RateLimitedSource: a PageSource decorator that takes a token from the
// console's bucket before each request and pauses the bucket when the
// console answers 429, so all of that console's streams slow down together.
#pragma once

#include "s1c/core/backoff.h"
#include "s1c/core/stop_token.h"
#include "s1c/s1/client.h"
#include "s1c/sched/token_bucket.h"

namespace s1c::sched {

// Thread-safe if the inner source is.
class RateLimitedSource final : public s1::PageSource {
 public:
  RateLimitedSource(s1::PageSource& inner, TokenBucket& bucket, StopToken stop,
                    UniformRandom random);
  Result<s1::Page> FetchPage(const s1::StreamSpec& spec, const s1::PageQuery& query) override;

 private:
  s1::PageSource& inner_;
  TokenBucket& bucket_;
  StopToken stop_;
  Backoff backoff_;
  std::mutex mu_;
  int consecutive_429_ = 0;
};

}  // namespace s1c::sched
