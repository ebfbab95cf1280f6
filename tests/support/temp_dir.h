// TempDir: a fresh private directory under the test temp dir (mkdtemp),
// removed with everything in it when the TempDir goes, a failed test's too.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace s1c::testing {

class TempDir {
 public:
  // `prefix` names the directory, so a leftover says which test made it.
  explicit TempDir(const std::string& prefix = "s1c-test") {
    std::string tmpl =
        (std::filesystem::path(::testing::TempDir()) / (prefix + "-XXXXXX")).string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr) << "cannot make a temp directory " << tmpl;
    path_ = std::filesystem::path(tmpl).lexically_normal();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace s1c::testing
