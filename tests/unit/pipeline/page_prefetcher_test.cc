#include "pipeline/page_prefetcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

namespace s1c::pipeline::internal {
namespace {

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
  std::atomic<bool> release{false};
  std::atomic<bool> finished{false};
  std::thread releaser;
  {
    PagePrefetcher prefetch([&](const s1::PageQuery&) -> Result<s1::Page> {
      while (!release) std::this_thread::yield();
      finished = true;
      return s1::Page();
    });
    prefetch.Start(QueryFor("a"));
    releaser = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      release = true;
    });
  }
  EXPECT_TRUE(finished);
  releaser.join();
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
