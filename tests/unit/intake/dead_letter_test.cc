#include "s1c/intake/dead_letter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "test_dir.h"

namespace s1c::intake {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> ReadLines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

mode_t Mode(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(DeadLetterTest, WritesOneJsonLineWithEveryField) {
  TestDir dir;
  DeadLetter dl(dir.path() / "dead-letter.ndjson");
  const std::string event = "{\"id\":\"1\",\"note\":\"a \\\"quoted\\\"\\nline\",\"n\":1e999}";
  ASSERT_TRUE(dl.Write("eu-prod", "threats", "123:2024-01-01T00:00:00Z",
                       "event exceeds 250000 bytes", event)
                  .ok());
  const auto lines = ReadLines(dl.path());
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json record = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(record.at("console"), "eu-prod");
  EXPECT_EQ(record.at("stream"), "threats");
  EXPECT_EQ(record.at("key"), "123:2024-01-01T00:00:00Z");
  EXPECT_EQ(record.at("reason"), "event exceeds 250000 bytes");
  EXPECT_EQ(record.at("bytes"), event.size());
  EXPECT_EQ(record.at("event"), event);  // The raw bytes, as a string.
  EXPECT_EQ(dl.count(), 1u);
}

TEST(DeadLetterTest, EventWithNewlinesAndControlsStaysOnOneLine) {
  TestDir dir;
  DeadLetter dl(dir.path() / "dl.ndjson");
  const std::string event("{\n\"a\":\"\r\t\0\"\n}", 14);
  ASSERT_TRUE(dl.Write("c", "s", "k\n", "r", event).ok());
  const auto lines = ReadLines(dl.path());
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json record = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(record.at("event").get<std::string>(), event);
  EXPECT_EQ(record.at("key"), "k\n");
}

TEST(DeadLetterTest, AppendsAndCounts) {
  TestDir dir;
  DeadLetter dl(dir.path() / "dl.ndjson");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        dl.Write("c", "s", std::to_string(i), "r", "{\"i\":" + std::to_string(i) + "}").ok());
  }
  EXPECT_EQ(dl.count(), 3u);
  const auto lines = ReadLines(dl.path());
  ASSERT_EQ(lines.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(nlohmann::json::parse(lines[i]).at("key"), std::to_string(i));
  }
  // A second DeadLetter on the same file (a restart) appends too.
  DeadLetter again(dir.path() / "dl.ndjson");
  ASSERT_TRUE(again.Write("c", "s", "3", "r", "{}").ok());
  EXPECT_EQ(ReadLines(dl.path()).size(), 4u);
  EXPECT_EQ(again.count(), 1u);
}

TEST(DeadLetterTest, CreatesPrivateDirectoriesAndFile) {
  TestDir dir;
  const auto path = dir.path() / "state" / "nested" / "dead-letter.ndjson";
  DeadLetter dl(path);
  ASSERT_TRUE(dl.Write("c", "s", "k", "r", "{}").ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Mode(dir.path() / "state" / "nested"), 0700u);
  EXPECT_EQ(Mode(dir.path() / "state"), 0700u);
}

TEST(DeadLetterTest, LeavesAnExistingDirectoryAlone) {
  TestDir dir;
  std::filesystem::create_directories(dir.path() / "shared");
  std::filesystem::permissions(dir.path() / "shared", std::filesystem::perms(0750));
  DeadLetter dl(dir.path() / "shared" / "dl.ndjson");
  ASSERT_TRUE(dl.Write("c", "s", "k", "r", "{}").ok());
  EXPECT_EQ(Mode(dir.path() / "shared"), 0750u);
}

TEST(DeadLetterTest, FailureIsIoNamingThePathAndIsNotCounted) {
  TestDir dir;
  { std::ofstream(dir.path() / "file") << "x"; }
  DeadLetter dl(dir.path() / "file" / "dl.ndjson");
  const Status s = dl.Write("c", "s", "k", "r", "{}");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_THAT(s.message(), HasSubstr((dir.path() / "file").string()));
  EXPECT_EQ(dl.count(), 0u);
}

TEST(DeadLetterTest, PathThatIsADirectoryFails) {
  TestDir dir;
  std::filesystem::create_directories(dir.path() / "dl.ndjson");
  DeadLetter dl(dir.path() / "dl.ndjson");
  const Status s = dl.Write("c", "s", "k", "r", "{}");
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_THAT(s.message(), HasSubstr("dl.ndjson"));
}

TEST(DeadLetterTest, ConcurrentWritersProduceWholeLines) {
  TestDir dir;
  DeadLetter dl(dir.path() / "dl.ndjson");
  const std::string event = "{\"blob\":\"" + std::string(10000, 'q') + "\"}";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(dl.Write("c", "s", std::to_string(t * 100 + i), "r", event).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(dl.count(), 40u);
  const auto lines = ReadLines(dl.path());
  ASSERT_EQ(lines.size(), 40u);
  for (const auto& line : lines) EXPECT_EQ(nlohmann::json::parse(line).at("event"), event);
}

}  // namespace
}  // namespace s1c::intake
