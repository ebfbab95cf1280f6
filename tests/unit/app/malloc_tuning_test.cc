#include "malloc_tuning.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace s1c::app {
namespace {

TEST(MallocTuningTest, OperatorsGlibcMallocTunablesWin) {
  EXPECT_FALSE(OperatorTunesMalloc(""));
  EXPECT_FALSE(OperatorTunesMalloc("glibc.cpu.hwcaps=-AVX512F"));
  EXPECT_TRUE(OperatorTunesMalloc("glibc.malloc.trim_threshold=0"));
  EXPECT_TRUE(
      OperatorTunesMalloc("glibc.cpu.x86_rep_movsb_threshold=4096:glibc.malloc.arena_max=1"));
}

// What the tuning is for: a page-sized buffer comes from the arena, and once
// freed stays mapped for the next page instead of going back to the kernel.
// Untuned, glibc maps a first 4 MB buffer on its own and unmaps it on free.
TEST(MallocTuningTest, APageBufferStaysInTheArenaAfterItIsFreed) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan's allocator replaces glibc's malloc";
#else
  ASSERT_EQ(unsetenv("GLIBC_TUNABLES"), 0);
  TuneMalloc();
  constexpr size_t kBytes = 4 * 1024 * 1024;
  static_assert(kBytes < static_cast<size_t>(kMallocMmapThresholdBytes) &&
                kBytes < static_cast<size_t>(kMallocTrimThresholdBytes));
  const size_t mapped_before = mallinfo2().hblkhd;
  auto* buffer = static_cast<char*>(std::malloc(kBytes));
  ASSERT_NE(buffer, nullptr);
  std::memset(buffer, 'x', kBytes);  // As a received page would.
  EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "the buffer was mapped on its own";
  std::free(buffer);
  EXPECT_GE(mallinfo2().fordblks, kBytes) << "the freed buffer went back to the kernel";
#endif
}

}  // namespace
}  // namespace s1c::app
