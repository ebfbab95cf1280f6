// MemStateStore: a StateStore in memory, with an optional number of commits
// to fail (FaultyStateStore behaviour: fail_commits). Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "s1c/state/state_store.h"

namespace s1c::testing {

class MemStateStore final : public state::StateStore {
 public:
  int fail_commits = 0;  // The next N commits fail with kIo.

  Result<std::optional<state::Checkpoint>> Load(std::string_view console, std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(Key(console, name));
    if (it == map_.end()) return std::optional<state::Checkpoint>();
    return std::optional<state::Checkpoint>(it->second);
  }
  Status Commit(std::string_view console, std::string_view name, const state::Checkpoint& cp) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_commits > 0) {
      --fail_commits;
      return IoError("injected commit failure");
    }
    ++commits_;
    map_[Key(console, name)] = cp;
    return Status::Ok();
  }
  Status Reset(std::string_view console, std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    map_.erase(Key(console, name));
    return Status::Ok();
  }
  Result<std::vector<state::StateEntry>> List() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<state::StateEntry> out;
    for (const auto& [k, cp] : map_) {
      out.push_back({k.substr(0, k.find('/')), k.substr(k.find('/') + 1), cp});
    }
    return out;
  }
  int commits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return commits_;
  }

 private:
  static std::string Key(std::string_view c, std::string_view n) {
    return std::string(c) + "/" + std::string(n);
  }
  mutable std::mutex mu_;
  std::map<std::string, state::Checkpoint> map_;
  int commits_ = 0;
};

}  // namespace s1c::testing
