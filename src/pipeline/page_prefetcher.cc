#include "page_prefetcher.h"

#include <utility>

namespace s1c::pipeline::internal {

PagePrefetcher::PagePrefetcher(FetchFn fetch) : fetch_(std::move(fetch)) {}

PagePrefetcher::~PagePrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PagePrefetcher::Start(s1::PageQuery query) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    query_ = std::move(query);
  }
  pending_ = true;
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { Loop(); });
  } else {
    cv_.notify_all();
  }
}

Result<s1::Page> PagePrefetcher::Take() {
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
