// Replays tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/
// through the fuzz targets' own entry points, in the ordinary unit build (no
// clang needed). A crash input found by scripts/fuzz.sh is kept by copying
// it into regressions/<target>/ (see tests/fuzz/README.md); from then on
// this test runs it, under ASan + UBSan in the sanitized build.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace s1c::fuzz {
int FuzzPage(const uint8_t* data, size_t size);
int FuzzIsoTime(const uint8_t* data, size_t size);
int FuzzConfig(const uint8_t* data, size_t size);
int FuzzCheckpoint(const uint8_t* data, size_t size);
int FuzzIntakeReply(const uint8_t* data, size_t size);
int FuzzRetryAfter(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;
using Entry = int (*)(const uint8_t*, size_t);

std::vector<fs::path> InputsOf(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(S1C_FUZZ_DIR) / kind / target;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Returns how many inputs ran. A crash or an invariant failure aborts the
// test binary, which CTest reports with the input's name printed below.
size_t Replay(const std::string& target, Entry entry) {
  const std::vector<fs::path> files = InputsOf(target);
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replaying %s\n", file.c_str());
    EXPECT_EQ(entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0) << file;
  }
  return files.size();
}

TEST(FuzzRegressionTest, Page) { EXPECT_GT(Replay("page", &FuzzPage), 0u); }
TEST(FuzzRegressionTest, IsoTime) { EXPECT_GT(Replay("iso_time", &FuzzIsoTime), 0u); }
TEST(FuzzRegressionTest, Config) { EXPECT_GT(Replay("config", &FuzzConfig), 0u); }
TEST(FuzzRegressionTest, Checkpoint) { EXPECT_GT(Replay("checkpoint", &FuzzCheckpoint), 0u); }
TEST(FuzzRegressionTest, IntakeReply) { EXPECT_GT(Replay("intake_reply", &FuzzIntakeReply), 0u); }
TEST(FuzzRegressionTest, RetryAfter) { EXPECT_GT(Replay("retry_after", &FuzzRetryAfter), 0u); }

}  // namespace
}  // namespace s1c::fuzz
