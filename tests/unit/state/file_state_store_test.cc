#include "s1c/state/file_state_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "faulty_file_system.h"
#include "temp_dir.h"

namespace s1c::state {
namespace {

namespace fs = std::filesystem;

Checkpoint Sample() {
  Checkpoint cp;
  cp.watermark = "2026-01-01T00:26:06.581343Z";
  cp.watermark_us = 1767227166581343;
  cp.boundary_keys = {"1456081014700765184", "1456198914547777536@2026-01-01T08:14:36.461243Z"};
  cp.sweep_us = 1767227106581343;
  cp.updated_at = "2026-01-01T00:30:00.000000Z";
  cp.events_done = 12345;
  return cp;
}

void ExpectSame(const Checkpoint& a, const Checkpoint& b) {
  EXPECT_EQ(a.watermark, b.watermark);
  EXPECT_EQ(a.watermark_us, b.watermark_us);
  EXPECT_EQ(a.boundary_keys, b.boundary_keys);
  EXPECT_EQ(a.sweep_us, b.sweep_us);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.events_done, b.events_done);
}

void WriteText(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

mode_t ModeOf(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

std::set<std::string> FilesIn(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

class FileStateStoreTest : public ::testing::Test {
 protected:
  s1c::testing::TempDir temp_{"s1c-state"};
  const fs::path root_ = temp_.path();
  const fs::path dir_ = root_ / "state";  // Not created: the store makes it.
};

TEST_F(FileStateStoreTest, MissingCheckpointIsNullopt) {
  FileStateStore store(dir_);
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "activities");
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_FALSE(cp->has_value());
}

TEST_F(FileStateStoreTest, RoundTrip) {
  FileStateStore store(dir_);
  ASSERT_TRUE(store.Commit("eu-prod", "activities", Sample(), nullptr).ok());
  Result<std::optional<Checkpoint>> cp = store.Load("eu-prod", "activities");
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  ASSERT_TRUE(cp->has_value());
  ExpectSame(**cp, Sample());
  EXPECT_EQ(store.PathFor("eu-prod", "activities"), dir_ / "eu-prod" / "activities.json");

  // A second commit replaces the first.
  Checkpoint next = Sample();
  next.watermark = "2026-01-01T01:00:00.000001Z";
  next.watermark_us = 1767229200000001;
  next.boundary_keys = {"x"};
  next.sweep_us.reset();
  ASSERT_TRUE(store.Commit("eu-prod", "activities", next, nullptr).ok());
  cp = store.Load("eu-prod", "activities");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  ExpectSame(**cp, next);
}

TEST_F(FileStateStoreTest, AtomicWriteLeavesNoTempFileAndSetsModes) {
  FileStateStore store(dir_);
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  EXPECT_EQ(FilesIn(dir_ / "eu"), std::set<std::string>{"threats.json"});
  EXPECT_EQ(ModeOf(dir_ / "eu" / "threats.json"), 0600u);
  EXPECT_EQ(ModeOf(dir_ / "eu"), 0700u);
  EXPECT_EQ(ModeOf(dir_), 0700u);
}

TEST_F(FileStateStoreTest, LeftoverTempFileFromACrashIsIgnoredAndReplaced) {
  FileStateStore store(dir_);
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  const fs::path tmp = dir_ / "eu" / "threats.json.tmp";
  WriteText(tmp, "{\"version\":1,\"waterm");  // Torn write, never renamed.
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "threats");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  ExpectSame(**cp, Sample());
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  EXPECT_FALSE(fs::exists(tmp));
}

TEST_F(FileStateStoreTest, FileFormatIsVersionedJson) {
  const std::string text = EncodeCheckpoint(Sample());
  EXPECT_EQ(
      text.rfind("{\n  \"version\": 1,\n  \"watermark\": \"2026-01-01T00:26:06.581343Z\",", 0), 0u)
      << text;
  EXPECT_NE(text.find("\"boundary_keys\""), std::string::npos);
  EXPECT_NE(text.find("\"sweep_from\": \"2026-01-01T00:25:06.581343Z\""), std::string::npos);
  EXPECT_NE(text.find("\"updated_at\""), std::string::npos);
  EXPECT_NE(text.find("\"events_done\": 12345"), std::string::npos);
  Result<Checkpoint> back = DecodeCheckpoint(text, "mem");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, Sample());
}

TEST_F(FileStateStoreTest, DecodeRecomputesWatermarkMicros) {
  Checkpoint cp = Sample();
  cp.watermark = "2026-01-01T01:00:00+01:00";
  cp.watermark_us = 42;  // Stale: the text is the truth.
  Result<Checkpoint> back = DecodeCheckpoint(EncodeCheckpoint(cp), "mem");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->watermark, "2026-01-01T01:00:00+01:00");
  EXPECT_EQ(back->watermark_us, 1767225600000000);
}

TEST_F(FileStateStoreTest, DecodeAcceptsMinimalFile) {
  Result<Checkpoint> cp = DecodeCheckpoint(
      R"({"version":1,"watermark":"2026-01-01T00:00:00Z","boundary_keys":[]})", "mem");
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_FALSE(cp->sweep_us.has_value());
  EXPECT_EQ(cp->events_done, 0);
}

// The error names the file; the command that fixes it is worded by the CLI
// (app/command_text: StateResetCommand), which knows the config file.
TEST_F(FileStateStoreTest, CorruptFileNamesThePathAndNoCommand) {
  FileStateStore store(dir_);
  const fs::path path = store.PathFor("eu", "activities");
  WriteText(path, "{\"version\":1,\"watermark\":\"2026-01-01T0");
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "activities");
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.status().code(), StatusCode::kCorrupt);
  const std::string m = cp.status().message();
  EXPECT_NE(m.find("state file " + path.string() + " is corrupt"), std::string::npos) << m;
  EXPECT_EQ(m.find("s1-collector"), std::string::npos) << m;
}

TEST_F(FileStateStoreTest, OversizedFileIsCorruptAndNotReadWhole) {
  FileStateStore store(dir_);
  const fs::path path = store.PathFor("eu", "activities");
  // A valid checkpoint, padded with whitespace past the limit.
  WriteText(path, R"({"version":1,"watermark":"2026-01-01T00:00:00Z","boundary_keys":[]})" +
                      std::string(size_t{64} << 20, ' '));
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "activities");
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.status().code(), StatusCode::kCorrupt);
  const std::string m = cp.status().message();
  EXPECT_NE(m.find(path.string() + " is corrupt (larger than 64 MiB)"), std::string::npos) << m;
  EXPECT_EQ(m.find("s1-collector"), std::string::npos) << m;
}

TEST_F(FileStateStoreTest, UnknownVersionAndWrongShapesAreCorrupt) {
  FileStateStore store(dir_);
  const fs::path path = store.PathFor("eu", "threats");
  const std::pair<const char*, const char*> cases[] = {
      {R"({"version":2,"watermark":"2026-01-01T00:00:00Z","boundary_keys":[]})",
       "unknown version 2"},
      {R"({"watermark":"2026-01-01T00:00:00Z","boundary_keys":[]})", "no \"version\""},
      {R"({"version":"1","watermark":"2026-01-01T00:00:00Z","boundary_keys":[]})",
       "\"version\" is not"},
      {R"([1])", "not a JSON object"},
      {"", "not valid JSON"},
      {R"({"version":1,"watermark":5,"boundary_keys":[]})", "\"watermark\" is not a string"},
      {R"({"version":1,"watermark":"soon","boundary_keys":[]})",
       "\"watermark\": not an ISO-8601 time"},
      {R"({"version":1,"watermark":"2026-01-01T00:00:00Z"})", "\"boundary_keys\" is not an array"},
      {R"({"version":1,"watermark":"2026-01-01T00:00:00Z","boundary_keys":[1]})", "non-string"},
      {R"({"version":1,"watermark":"2026-01-01T00:00:00Z","boundary_keys":[],"sweep_from":5})",
       "sweep_from"},
      {R"({"version":1,"watermark":"2026-01-01T00:00:00Z","boundary_keys":[],"events_done":-1})",
       "events_done"},
      {R"({"version":1,"watermark":"2026-01-01T00:00:00Z","boundary_keys":[],"updated_at":7})",
       "updated_at"},
  };
  for (const auto& [text, why] : cases) {
    WriteText(path, text);
    Result<std::optional<Checkpoint>> cp = store.Load("eu", "threats");
    ASSERT_FALSE(cp.ok()) << text;
    EXPECT_EQ(cp.status().code(), StatusCode::kCorrupt) << text;
    EXPECT_NE(cp.status().message().find(why), std::string::npos) << cp.status().message();
    EXPECT_NE(cp.status().message().find(path.string()), std::string::npos);
    EXPECT_EQ(cp.status().message().find("s1-collector"), std::string::npos);
  }
}

TEST_F(FileStateStoreTest, BadNamesAreRejected) {
  FileStateStore store(dir_);
  for (const char* bad : {"", ".", "..", "a/b", "../x", "a b", "x\n", "caf\xc3\xa9"}) {
    EXPECT_EQ(store.Load(bad, "activities").status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store.Load("eu", bad).status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store.Commit(bad, "activities", Sample(), nullptr).code(), StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(store.Commit("eu", bad, Sample(), nullptr).code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store.Reset("eu", bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(fs::exists(dir_));
  EXPECT_TRUE(store.Commit("eu_1.prod-2", "activities.backfill-1", Sample(), nullptr).ok());
}

TEST_F(FileStateStoreTest, ResetDeletesAndIsIdempotent) {
  FileStateStore store(dir_);
  EXPECT_TRUE(store.Reset("eu", "activities").ok());  // Nothing there yet.
  ASSERT_TRUE(store.Commit("eu", "activities", Sample(), nullptr).ok());
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  EXPECT_TRUE(store.Reset("eu", "activities").ok());
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "activities");
  ASSERT_TRUE(cp.ok());
  EXPECT_FALSE(cp->has_value());
  cp = store.Load("eu", "threats");
  ASSERT_TRUE(cp.ok());
  EXPECT_TRUE(cp->has_value());
  EXPECT_TRUE(store.Reset("eu", "activities").ok());
}

TEST_F(FileStateStoreTest, ResetClearsACorruptFile) {
  FileStateStore store(dir_);
  WriteText(store.PathFor("eu", "activities"), "garbage");
  ASSERT_FALSE(store.Load("eu", "activities").ok());
  ASSERT_TRUE(store.Reset("eu", "activities").ok());
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "activities");
  ASSERT_TRUE(cp.ok());
  EXPECT_FALSE(cp->has_value());
}

TEST_F(FileStateStoreTest, ListIsSortedAndSkipsNonCheckpoints) {
  FileStateStore store(dir_);
  EXPECT_TRUE(store.List().ok());
  EXPECT_TRUE(store.List()->entries.empty());  // No directory yet.

  ASSERT_TRUE(store.Commit("us", "threats", Sample(), nullptr).ok());
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  ASSERT_TRUE(store.Commit("eu", "activities", Sample(), nullptr).ok());
  WriteText(dir_ / "eu" / "alerts.json.tmp", "torn");
  WriteText(dir_ / "eu" / "notes.txt", "hello");
  WriteText(dir_ / "dead-letter.ndjson", "{}\n");
  WriteText(dir_ / "stray.json", "{}");
  fs::create_directories(dir_ / "bad name");
  WriteText(dir_ / "bad name" / "x.json", "{}");
  fs::create_directories(dir_ / "eu" / "sub.json");  // A directory, not a file.

  Result<StateListing> list = store.List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_TRUE(list->errors.empty());
  const std::vector<StateEntry>& entries = list->entries;
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].console, "eu");
  EXPECT_EQ(entries[0].name, "activities");
  EXPECT_EQ(entries[1].console, "eu");
  EXPECT_EQ(entries[1].name, "threats");
  EXPECT_EQ(entries[2].console, "us");
  EXPECT_EQ(entries[2].name, "threats");
  ExpectSame(entries[2].checkpoint, Sample());
}

TEST_F(FileStateStoreTest, ListReportsUnreadableFiles) {
  FileStateStore store(dir_);
  ASSERT_TRUE(store.Commit("eu", "activities", Sample(), nullptr).ok());
  WriteText(store.PathFor("eu", "threats"), "{");
  // As the interface promises: the unreadable file is an error of the
  // listing, and the others are still listed.
  Result<StateListing> list = store.List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->entries.size(), 1u);
  EXPECT_EQ(list->entries[0].name, "activities");
  ASSERT_EQ(list->errors.size(), 1u);
  EXPECT_EQ(list->errors[0].name, "threats");
  EXPECT_EQ(list->errors[0].error.code(), StatusCode::kCorrupt);
  EXPECT_NE(list->errors[0].error.message().find("threats.json"), std::string::npos);
}

TEST_F(FileStateStoreTest, CommitFailureIsAnIoErrorNamingThePath) {
  WriteText(root_ / "file", "not a directory");
  FileStateStore store(root_ / "file" / "state");
  const Status s = store.Commit("eu", "activities", Sample(), nullptr);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_NE(s.message().find((root_ / "file").string()), std::string::npos) << s.message();
}

TEST_F(FileStateStoreTest, ExistingDirectoryModeIsLeftAlone) {
  fs::create_directories(dir_);
  ::chmod(dir_.c_str(), 0750);
  FileStateStore store(dir_);
  ASSERT_TRUE(store.Commit("eu", "activities", Sample(), nullptr).ok());
  EXPECT_EQ(ModeOf(dir_), 0750u);
  EXPECT_EQ(ModeOf(dir_ / "eu"), 0700u);
}

// The commit of a checkpoint that moved on from Sample(), for the fault tests.
Checkpoint Later() {
  Checkpoint cp = Sample();
  cp.watermark = "2026-01-01T01:00:00.000000Z";
  cp.watermark_us = 1767229200000000;
  cp.boundary_keys = {"1456300000000000000"};
  cp.events_done = 20000;
  return cp;
}

TEST_F(FileStateStoreTest, FailedFsyncFailsTheCommitAndKeepsTheOldCheckpoint) {
  s1c::testing::FaultyFileSystem fs;
  FileStateStore store(dir_, fs);
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  fs.fail_file_syncs = 1;
  const Status s = store.Commit("eu", "threats", Later(), nullptr);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  const std::string want = "cannot fsync " + (dir_ / "eu" / "threats.json.tmp").string();
  EXPECT_NE(s.message().find(want), std::string::npos) << s.message();
  // Nothing was renamed: a fresh store on the same directory reads the old
  // checkpoint, and the temp file is gone.
  FileStateStore reopened(dir_);
  Result<std::optional<Checkpoint>> cp = reopened.Load("eu", "threats");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  ExpectSame(**cp, Sample());
  EXPECT_EQ(FilesIn(dir_ / "eu"), std::set<std::string>{"threats.json"});
  // Once the disk recovers the same commit goes through.
  ASSERT_TRUE(store.Commit("eu", "threats", Later(), nullptr).ok());
  cp = reopened.Load("eu", "threats");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  ExpectSame(**cp, Later());
}

TEST_F(FileStateStoreTest, FailedFsyncOfAFirstCommitLeavesNoCheckpoint) {
  s1c::testing::FaultyFileSystem fs;
  FileStateStore store(dir_, fs);
  fs.fail_file_syncs = 1;
  EXPECT_EQ(store.Commit("eu", "threats", Sample(), nullptr).code(), StatusCode::kIo);
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "threats");
  ASSERT_TRUE(cp.ok());
  EXPECT_FALSE(cp->has_value());
  EXPECT_TRUE(FilesIn(dir_ / "eu").empty());
}

TEST_F(FileStateStoreTest, FailedWriteOrRenameFailsTheCommitAndKeepsTheOldCheckpoint) {
  s1c::testing::FaultyFileSystem fs;
  FileStateStore store(dir_, fs);
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  fs.fail_writes = 1;
  EXPECT_EQ(store.Commit("eu", "threats", Later(), nullptr).code(), StatusCode::kIo);
  fs.fail_renames = 1;
  const Status s = store.Commit("eu", "threats", Later(), nullptr);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_NE(s.message().find("cannot rename"), std::string::npos) << s.message();
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "threats");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  ExpectSame(**cp, Sample());
  EXPECT_EQ(FilesIn(dir_ / "eu"), std::set<std::string>{"threats.json"});
}

TEST_F(FileStateStoreTest, FailedDirectoryFsyncAfterTheRenameFailsTheCommit) {
  // The new file is in place but its rename may not survive a crash: the
  // commit is not reported durable, so the caller does not count it done.
  s1c::testing::FaultyFileSystem fs;
  FileStateStore store(dir_, fs);
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  fs.fail_dir_syncs = 1;
  const Status s = store.Commit("eu", "threats", Later(), nullptr);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_NE(s.message().find("cannot fsync directory " + (dir_ / "eu").string()), std::string::npos)
      << s.message();
}

TEST_F(FileStateStoreTest, FailedDirectoryFsyncFailsAReset) {
  s1c::testing::FaultyFileSystem fs;
  FileStateStore store(dir_, fs);
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  fs.fail_dir_syncs = 1;
  EXPECT_EQ(store.Reset("eu", "threats").code(), StatusCode::kIo);
  fs.fail_dir_syncs = 1;
  EXPECT_TRUE(store.Reset("eu", "threats").ok());  // Nothing left to delete, nothing to sync.
}

TEST_F(FileStateStoreTest, SeenKeysLiveInTheCheckpointFileAndGoWithAReset) {
  FileStateStore store(dir_);
  SeenKeys seen(100);
  seen.Add("k1", 1767227166000000);
  seen.Add("k2", 1767227166581343);
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), &seen).ok());
  // One file, written once: the checkpoint and its keys cannot part in a crash.
  EXPECT_EQ(FilesIn(dir_ / "eu"), (std::set<std::string>{"threats.json"}));
  auto back = store.LoadSeen("eu", "threats", 100);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->Encode(), seen.Encode());
  Result<std::optional<Checkpoint>> cp = store.Load("eu", "threats");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ(EncodeCheckpoint(**cp), EncodeCheckpoint(Sample()));
  EXPECT_EQ(store.List()->entries.size(), 1u);
  // A commit without keys drops them.
  ASSERT_TRUE(store.Commit("eu", "threats", Later(), nullptr).ok());
  EXPECT_FALSE(store.LoadSeen("eu", "threats", 100)->has_value());
  ASSERT_TRUE(store.Commit("eu", "threats", Later(), &seen).ok());
  ASSERT_TRUE(store.Reset("eu", "threats").ok());
  EXPECT_TRUE(FilesIn(dir_ / "eu").empty());
  EXPECT_FALSE(store.LoadSeen("eu", "threats", 100)->has_value());
}

TEST_F(FileStateStoreTest, TheCheckpointFileWithSeenKeysIsOneJsonDocument) {
  SeenKeys seen(100);
  seen.Add("k1", 1767227166000000);
  const std::string text = EncodeCheckpoint(Sample(), seen.Encode());
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text;
  EXPECT_EQ(doc.at("seen"), nlohmann::json::parse(seen.Encode()));
  EXPECT_EQ(doc.at("watermark"), Sample().watermark);
  Result<Checkpoint> back = DecodeCheckpoint(text, "mem");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(EncodeCheckpoint(*back), EncodeCheckpoint(Sample()));
}

TEST_F(FileStateStoreTest, SeenKeysOfAnEarlierVersionAreReadUntilTheNextCommit) {
  // Earlier versions kept them apart, in <stream>.seen.
  FileStateStore store(dir_);
  SeenKeys old_keys(100);
  old_keys.Add("k1", 1767227166000000);
  ASSERT_TRUE(store.Commit("eu", "threats", Sample(), nullptr).ok());
  std::ofstream(dir_ / "eu" / "threats.seen") << old_keys.Encode();
  auto back = store.LoadSeen("eu", "threats", 100);
  ASSERT_TRUE(back.ok() && back->has_value()) << back.status().message();
  EXPECT_EQ((*back)->Encode(), old_keys.Encode());

  SeenKeys new_keys = old_keys;
  new_keys.Add("k2", 1767227166581343);
  ASSERT_TRUE(store.Commit("eu", "threats", Later(), &new_keys).ok());
  EXPECT_EQ(FilesIn(dir_ / "eu"), (std::set<std::string>{"threats.json"}));
  back = store.LoadSeen("eu", "threats", 100);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->Encode(), new_keys.Encode());
}

TEST_F(FileStateStoreTest, CorruptSeenKeysAreReportedWithTheFileName) {
  FileStateStore store(dir_);
  fs::create_directories(dir_ / "eu");
  std::ofstream(dir_ / "eu" / "threats.seen") << "{\"version\":1,\"count\":3}";
  auto seen = store.LoadSeen("eu", "threats", 100);
  ASSERT_FALSE(seen.ok());
  EXPECT_EQ(seen.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(seen.status().message().find((dir_ / "eu" / "threats.seen").string()),
            std::string::npos);

  std::string text = EncodeCheckpoint(Sample());
  text.insert(text.rfind('}'), ",\"seen\":{\"version\":1,\"count\":3}");
  std::ofstream(dir_ / "eu" / "threats.json", std::ios::trunc) << text;
  seen = store.LoadSeen("eu", "threats", 100);
  ASSERT_FALSE(seen.ok());
  EXPECT_EQ(seen.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(seen.status().message().find((dir_ / "eu" / "threats.json").string()),
            std::string::npos)
      << seen.status().message();
  // The checkpoint itself still loads: only the sweep's keys are lost.
  EXPECT_TRUE(store.Load("eu", "threats").ok());
}

}  // namespace
}  // namespace s1c::state
