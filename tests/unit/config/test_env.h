// Helpers for the config tests: a private temp directory and environment
// variables restored after each test.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "temp_dir.h"

namespace s1c::config::testing_support {

// s1c::testing::TempDir with paths as strings and a file writer.
class TempDir {
 public:
  TempDir() : path_(dir_.path().string()) {}
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

  // Writes `content` to `name` with `mode`; returns the full path.
  std::string Write(const std::string& name, const std::string& content, mode_t mode = 0600) const {
    const std::string full = Join(name);
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    std::ofstream(full, std::ios::binary | std::ios::trunc) << content;
    ::chmod(full.c_str(), mode);
    return full;
  }

 private:
  s1c::testing::TempDir dir_{"s1c_config"};
  std::string path_;
};

// Sets or unsets environment variables and restores them on destruction.
class ScopedEnv {
 public:
  ~ScopedEnv() {
    for (const auto& [name, old] : saved_) {
      if (old) {
        ::setenv(name.c_str(), old->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }
  void Set(const std::string& name, const std::string& value) {
    Save(name);
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  void Unset(const std::string& name) {
    Save(name);
    ::unsetenv(name.c_str());
  }

 private:
  void Save(const std::string& name) {
    if (saved_.count(name)) return;
    const char* v = std::getenv(name.c_str());
    saved_[name] = v ? std::optional<std::string>(v) : std::nullopt;
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

}  // namespace s1c::config::testing_support
