#include "pipeline/page_prefetcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>

namespace s1c::pipeline::internal {
namespace {

// Fulfils a promise when destroyed.
class ReleaseOnExit {
 public:
  explicit ReleaseOnExit(std::promise<void>& p) : p_(p) {}
  ~ReleaseOnExit() { p_.set_value(); }
  ReleaseOnExit(const ReleaseOnExit&) = delete;
  ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;

 private:
  std::promise<void>& p_;
};

s1::PageQuery QueryFor(const std::string& cursor) {
  s1::PageQuery q;
  q.cursor = cursor;
  return q;
}

TEST(PagePrefetcherTest, FetchesEachPageOnOneHelperThreadForTheWholeDrain) {
  std::set<std::thread::id> threads;
  PagePrefetcher prefetch([&](const s1::PageQuery& q) -> Result<s1::Page> {
    threads.insert(std::this_thread::get_id());
    s1::Page page;
    page.next_cursor = *q.cursor + "+";
    return page;
  });
  EXPECT_FALSE(prefetch.pending());
  for (int i = 0; i < 20; ++i) {
    prefetch.Start(QueryFor(std::to_string(i)));
    EXPECT_TRUE(prefetch.pending());
    Result<s1::Page> page = prefetch.Take();
    EXPECT_FALSE(prefetch.pending());
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->next_cursor, std::to_string(i) + "+");  // Each Take gets its own fetch.
  }
  EXPECT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(PagePrefetcherTest, ErrorsComeBackFromTake) {
  PagePrefetcher prefetch(
      [](const s1::PageQuery&) -> Result<s1::Page> { return Unavailable("console down"); });
  prefetch.Start(QueryFor("a"));
  Result<s1::Page> page = prefetch.Take();
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kUnavailable);
}

TEST(PagePrefetcherTest, DestroyingItWaitsForAFetchInFlight) {
  // A drain that returns early (a rejected batch) leaves a fetch running:
  // it must finish before what it uses goes away.
  std::promise<void> started;
  std::future<void> fetch_started = started.get_future();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> finished{false};
  {
    PagePrefetcher prefetch([&](const s1::PageQuery&) -> Result<s1::Page> {
      started.set_value();
      released.wait();
      finished = true;
      return s1::Page();
    });
    // Declared after `prefetch`, so destroyed just before it: the fetch is
    // let go only as ~PagePrefetcher begins, however this scope is left.
    ReleaseOnExit gate(release);
    prefetch.Start(QueryFor("a"));
    ASSERT_EQ(fetch_started.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_FALSE(finished);
  }
  EXPECT_TRUE(finished);
}

TEST(PagePrefetcherTest, NothingIsFetchedUnlessStarted) {
  bool called = false;
  {
    PagePrefetcher prefetch([&](const s1::PageQuery&) -> Result<s1::Page> {
      called = true;
      return s1::Page();
    });
  }
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace s1c::pipeline::internal
