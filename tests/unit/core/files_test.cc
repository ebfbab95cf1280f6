// The shared file helpers: private directories and bounded whole-file reads.
#include "s1c/core/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace s1c::files {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/s1c-files-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  fs::path dir_;
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

}  // namespace
}  // namespace s1c::files
