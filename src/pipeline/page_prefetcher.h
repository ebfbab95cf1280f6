// Private to the pipeline module: fetches the next page while the poller
// delivers the current one: on a fiber of its own when the poller runs on a
// fiber (the daemon), otherwise on a helper thread (a backfill, tests).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "s1c/core/fiber.h"
#include "s1c/core/status.h"
#include "s1c/s1/client.h"

namespace s1c::pipeline::internal {

// On a thread: one helper thread for a whole drain, started with the first
// fetch, rather than a thread per page: each new thread could draw a fresh
// malloc arena, and a long backfill's peak memory grew with them. On a
// fiber: a fiber per fetch (a small stack, no thread). Not thread-safe: one
// owner calls Start and Take in turn.
class PagePrefetcher {
 public:
  using FetchFn = std::function<Result<s1::Page>(const s1::PageQuery&)>;

  explicit PagePrefetcher(FetchFn fetch);
  // Waits for a fetch in flight, then ends the thread, if any.
  ~PagePrefetcher();
  PagePrefetcher(const PagePrefetcher&) = delete;
  PagePrefetcher& operator=(const PagePrefetcher&) = delete;

  // Starts fetching `query`. REQUIRES: !pending().
  void Start(s1::PageQuery query);
  // Whether a fetch was started and not yet taken.
  bool pending() const { return pending_; }
  // Waits for the fetch started last and returns its page. REQUIRES: pending().
  Result<s1::Page> Take();

 private:
  void Loop();
  // A fetch running on a fiber.
  struct FiberFetch {
    std::optional<Result<s1::Page>> page;
    fiber::Event done;
  };

  FetchFn fetch_;
  bool pending_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<s1::PageQuery> query_;   // Guarded by mu_.
  std::optional<Result<s1::Page>> page_;  // Guarded by mu_.
  bool quit_ = false;                     // Guarded by mu_.
  std::thread thread_;                    // Started by the first Start() on a thread.
  std::unique_ptr<FiberFetch> fiber_fetch_;  // The fetch in flight, started on a fiber.
};

}  // namespace s1c::pipeline::internal
