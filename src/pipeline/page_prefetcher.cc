#include "page_prefetcher.h"

#include <utility>

#include "s1c/core/thread_name.h"

namespace s1c::pipeline::internal {

PagePrefetcher::PagePrefetcher(FetchFn fetch) : fetch_(std::move(fetch)) {}

PagePrefetcher::~PagePrefetcher() {
  // Its fiber uses this object until it sets `done`.
  if (fiber_fetch_) fiber_fetch_->done.Wait();
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PagePrefetcher::Start(s1::PageQuery query) {
  pending_ = true;
  if (fiber::Fiber* self = fiber::Fiber::Current()) {
    fiber_fetch_ = std::make_unique<FiberFetch>();
    self->host().Spawn([this, fetch = fiber_fetch_.get(), q = std::move(query)] {
      fetch->page = fetch_(q);
      fetch->done.Set();
    });
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    query_ = std::move(query);
  }
  if (!thread_.joinable()) {
    thread_ = NamedThread("s1c-prefetch", [this] { Loop(); });
  } else {
    cv_.notify_all();
  }
}

Result<s1::Page> PagePrefetcher::Take() {
  if (fiber_fetch_) {
    fiber_fetch_->done.Wait();
    Result<s1::Page> page = std::move(*fiber_fetch_->page);
    fiber_fetch_.reset();
    pending_ = false;
    return page;
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return page_.has_value(); });
  Result<s1::Page> page = std::move(*page_);
  page_.reset();
  pending_ = false;
  return page;
}

void PagePrefetcher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    // A fetch already asked for is finished even when quitting: the owner
    // may be waiting for it, and the destructor joins after it either way.
    cv_.wait(lock, [this] { return query_.has_value() || quit_; });
    if (!query_) return;
    const s1::PageQuery query = std::move(*query_);
    query_.reset();
    lock.unlock();
    Result<s1::Page> page = fetch_(query);
    lock.lock();
    page_ = std::move(page);
    cv_.notify_all();
  }
}

}  // namespace s1c::pipeline::internal
