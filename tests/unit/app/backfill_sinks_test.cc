#include "backfill_sinks.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace s1c::app {
namespace {

class TempFile {
 public:
  TempFile() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("s1c-app-" + std::to_string(::getpid()) + "-" + info->name() + ".ndjson");
    std::filesystem::remove(path_);
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string Read() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::filesystem::path path_;
};

std::vector<intake::EventRef> Refs(const std::vector<std::string>& events) {
  std::vector<intake::EventRef> refs;
  for (const auto& e : events) refs.push_back({e, "k"});
  return refs;
}

TEST(NdjsonSinkTest, WritesExactBytesOneEventPerLine) {
  TempFile file;
  auto sink = NdjsonSink::Open(file.path().string());
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  EXPECT_EQ((*sink)->initial_size(), 0);
  EXPECT_EQ((*sink)->where(), "file " + file.path().string());
  const std::vector<std::string> events = {R"({"id":"1","data":{"n":18446744073709551615}})",
                                           "{\"id\":\"2\",\"text\":\"caf\xc3\xa9 \\u00e9\"}"};
  const auto refs = Refs(events);
  const intake::Delivery d = (*sink)->Deliver("activities", refs);
  EXPECT_EQ(d.outcome, intake::Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 2u);
  EXPECT_EQ(file.Read(), events[0] + "\n" + events[1] + "\n");
  EXPECT_EQ(std::filesystem::status(file.path()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(NdjsonSinkTest, ReopeningAppends) {
  TempFile file;
  {
    auto sink = NdjsonSink::Open(file.path().string());
    ASSERT_TRUE(sink.ok());
    const std::vector<std::string> events = {"{\"id\":\"1\"}"};
    const auto refs = Refs(events);
    ASSERT_EQ((*sink)->Deliver("s", refs).delivered, 1u);
  }
  auto sink = NdjsonSink::Open(file.path().string());
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ((*sink)->initial_size(), 11);
  const std::vector<std::string> events = {"{\"id\":\"2\"}"};
  const auto refs = Refs(events);
  ASSERT_EQ((*sink)->Deliver("s", refs).delivered, 1u);
  EXPECT_EQ(file.Read(), "{\"id\":\"1\"}\n{\"id\":\"2\"}\n");
}

TEST(NdjsonSinkTest, RawLineBreaksCannotSplitAnEvent) {
  TempFile file;
  auto sink = NdjsonSink::Open(file.path().string());
  ASSERT_TRUE(sink.ok());
  const std::vector<std::string> events = {"{\"id\":\"1\",\r\n \"a\":2}"};
  const auto refs = Refs(events);
  ASSERT_EQ((*sink)->Deliver("s", refs).delivered, 1u);
  EXPECT_EQ(file.Read(), "{\"id\":\"1\",   \"a\":2}\n");
}

TEST(NdjsonSinkTest, WriteFailureIsRejectedNotRetried) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto sink = NdjsonSink::Open("/dev/full");
  ASSERT_TRUE(sink.ok());
  const std::vector<std::string> events = {"{\"id\":\"1\"}"};
  const auto refs = Refs(events);
  const intake::Delivery d = (*sink)->Deliver("s", refs);
  EXPECT_EQ(d.outcome, intake::Outcome::kRejected);
  EXPECT_EQ(d.delivered, 0u);
  EXPECT_EQ(d.error.code(), StatusCode::kIo);
  EXPECT_NE(d.error.message().find("/dev/full"), std::string::npos);
}

TEST(NdjsonSinkTest, OpenFailsForADirectoryOrEmptyPath) {
  EXPECT_FALSE(NdjsonSink::Open(::testing::TempDir()).ok());
  EXPECT_FALSE(NdjsonSink::Open("").ok());
}

TEST(NdjsonSinkTest, DashIsStdout) {
  auto sink = NdjsonSink::Open("-");
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ((*sink)->where(), "stdout");
}

TEST(DiscardSinkTest, AcceptsAndCounts) {
  DiscardSink sink;
  const std::vector<std::string> events = {"{}", "{}", "{}"};
  const auto refs = Refs(events);
  const intake::Delivery d = sink.Deliver("s", refs);
  EXPECT_EQ(d.outcome, intake::Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 3u);
  EXPECT_EQ(d.dead_lettered, 0u);
  EXPECT_EQ(sink.count(), 3);
}

}  // namespace
}  // namespace s1c::app
