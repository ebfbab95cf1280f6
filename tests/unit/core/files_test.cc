// The shared file helpers: private directories, bounded whole-file reads,
// directory fsyncs and the atomic write over the FileSystem seam.
#include "s1c/core/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "faulty_file_system.h"
#include "temp_dir.h"

namespace s1c::files {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  s1c::testing::TempDir temp_{"s1c-files-test"};
  const fs::path dir_ = temp_.path();
};

TEST_F(FilesTest, MakesMissingParentsPrivateAndLeavesExistingOnesAlone) {
  fs::create_directories(dir_ / "kept");
  ::chmod((dir_ / "kept").c_str(), 0755);
  ASSERT_TRUE(MakePrivateDirs(dir_ / "kept" / "a" / "b", "state directory").ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "kept" / "a" / "b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir_ / "kept" / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir_ / "kept").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  // Again: fine.
  EXPECT_TRUE(MakePrivateDirs(dir_ / "kept" / "a" / "b", "state directory").ok());
}

TEST_F(FilesTest, AFileInTheWayIsNamed) {
  Write(dir_ / "plain", "x");
  const Status st = MakePrivateDirs(dir_ / "plain" / "sub", "dead-letter directory");
  EXPECT_EQ(st.code(), StatusCode::kIo);
  const std::string want =
      "cannot create dead-letter directory " + (dir_ / "plain" / "sub").string();
  EXPECT_NE(st.message().find(want), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("exists and is not a directory"), std::string::npos);
}

TEST_F(FilesTest, ReadsWholeFilesWithinTheLimit) {
  const std::string text(40000, 'z');  // More than one read.
  Write(dir_ / "f", text);
  Result<std::string> read = ReadWholeFile(dir_ / "f", 40000);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, text);

  Result<std::string> big = ReadWholeFile(dir_ / "f", 39999);
  EXPECT_EQ(big.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(big.status().message().find("larger than 39999 bytes"), std::string::npos);
  EXPECT_EQ(big.status().message().find("zzz"), std::string::npos);  // Never the content.

  Result<std::string> missing = ReadWholeFile(dir_ / "nope", 10);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("cannot read file " + (dir_ / "nope").string()),
            std::string::npos);
  EXPECT_EQ(ReadWholeFile(dir_, 10).status().code(), StatusCode::kIo);  // A directory.
}

TEST(ErrnoTextTest, IsStrerrorsWording) {
  EXPECT_EQ(ErrnoText(ENOENT), "No such file or directory");
  EXPECT_EQ(ErrnoText(EIO), "Input/output error");
}

TEST_F(FilesTest, SyncDirNamesWhatItCouldNotOpen) {
  EXPECT_TRUE(SyncDir(dir_, "state directory").ok());
  const Status st = SyncDir(dir_ / "gone", "dead-letter directory");
  EXPECT_EQ(st.code(), StatusCode::kIo);
  EXPECT_EQ(st.message(), "cannot open dead-letter directory " + (dir_ / "gone").string() +
                              ": No such file or directory");
}

TEST_F(FilesTest, WriteFileAtomicallyReplacesTheFileAndLeavesNoTemp) {
  PosixFileSystem fs;
  Write(dir_ / "cp.json", "old");
  ASSERT_TRUE(WriteFileAtomically(fs, dir_ / "cp.json", "new").ok());
  EXPECT_EQ(*ReadWholeFile(dir_ / "cp.json", 100), "new");
  EXPECT_EQ(TempPathFor(dir_ / "cp.json"), dir_ / "cp.json.tmp");
  EXPECT_FALSE(fs::exists(dir_ / "cp.json.tmp"));
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "cp.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(FilesTest, WriteFileAtomicallyReportsAFailedFsyncAndKeepsTheOldFile) {
  s1c::testing::FaultyFileSystem fs;
  Write(dir_ / "cp.json", "old");
  fs.fail_file_syncs = 1;
  const Status st = WriteFileAtomically(fs, dir_ / "cp.json", "new");
  EXPECT_EQ(st.code(), StatusCode::kIo);
  EXPECT_EQ(st.message(),
            "cannot fsync " + (dir_ / "cp.json.tmp").string() + ": Input/output error");
  EXPECT_EQ(*ReadWholeFile(dir_ / "cp.json", 100), "old");
  EXPECT_FALSE(fs::exists(dir_ / "cp.json.tmp"));
}

TEST_F(FilesTest, WriteFilesAtomicallyWritesEachFileAndSyncsEachDirectoryOnce) {
  s1c::testing::FaultyFileSystem fs;
  fs::create_directories(dir_ / "a");
  fs::create_directories(dir_ / "b");
  Write(dir_ / "a" / "1.json", "old");
  const std::vector<AtomicWrite> writes = {
      {dir_ / "a" / "1.json", "one"}, {dir_ / "a" / "2.json", "two"}, {dir_ / "b" / "3.json", "3"}};
  const std::vector<Status> status = WriteFilesAtomically(fs, writes);
  ASSERT_EQ(status.size(), 3u);
  for (size_t i = 0; i < writes.size(); ++i) {
    EXPECT_TRUE(status[i].ok()) << status[i].message();
    EXPECT_EQ(*ReadWholeFile(writes[i].path, 100), writes[i].data);
    EXPECT_FALSE(fs::exists(TempPathFor(writes[i].path)));
  }
  EXPECT_EQ(fs.dir_syncs, 2);  // a and b, once each.
}

TEST_F(FilesTest, WriteFilesAtomicallyFailsOnlyTheFilesAFailedStepTouched) {
  s1c::testing::FaultyFileSystem fs;
  fs::create_directories(dir_ / "a");
  fs::create_directories(dir_ / "b");
  for (const char* f : {"a/1.json", "a/2.json", "b/3.json"}) Write(dir_ / f, "old");
  // The first file's fsync fails: it keeps its old content; the others go on.
  fs.fail_file_syncs = 1;
  std::vector<Status> status =
      WriteFilesAtomically(fs, std::vector<AtomicWrite>{{dir_ / "a" / "1.json", "new"},
                                                        {dir_ / "a" / "2.json", "new"},
                                                        {dir_ / "b" / "3.json", "new"}});
  EXPECT_EQ(status[0].message(),
            "cannot fsync " + (dir_ / "a" / "1.json.tmp").string() + ": Input/output error");
  EXPECT_EQ(*ReadWholeFile(dir_ / "a" / "1.json", 100), "old");
  EXPECT_FALSE(fs::exists(dir_ / "a" / "1.json.tmp"));
  EXPECT_TRUE(status[1].ok() && status[2].ok());
  EXPECT_EQ(*ReadWholeFile(dir_ / "a" / "2.json", 100), "new");

  // The first directory's fsync fails: both files renamed into it report it
  // (in place, not known durable), the file in the other directory does not.
  fs.fail_dir_syncs = 1;
  status = WriteFilesAtomically(fs, std::vector<AtomicWrite>{{dir_ / "a" / "1.json", "v3"},
                                                             {dir_ / "b" / "3.json", "v3"},
                                                             {dir_ / "a" / "2.json", "v3"}});
  const std::string dir_error =
      "cannot fsync directory " + (dir_ / "a").string() + ": Input/output error";
  EXPECT_EQ(status[0].message(), dir_error);
  EXPECT_EQ(status[2].message(), dir_error);
  EXPECT_TRUE(status[1].ok()) << status[1].message();
  EXPECT_EQ(*ReadWholeFile(dir_ / "b" / "3.json", 100), "v3");
}

}  // namespace
}  // namespace s1c::files
