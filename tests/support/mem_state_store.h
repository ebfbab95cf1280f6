// MemStateStore for tests: the in-memory store with an optional number of
// commits to fail (FaultyStateStore behaviour: fail_commits), and loads that
// fail with a given error (load_error: a corrupt file, say). Thread-safe,
// except that fail_commits and load_error are set without a lock.
#pragma once

#include "s1c/state/mem_state_store.h"

namespace s1c::testing {

class MemStateStore final : public state::MemStateStore {
 public:
  int fail_commits = 0;  // The next N commits fail with kIo.
  Status load_error;     // While not ok, every load fails with it.

  Result<std::optional<state::Checkpoint>> Load(std::string_view console,
                                                std::string_view name) override {
    {
      std::lock_guard<std::mutex> lock(fault_mu_);
      if (!load_error.ok()) return load_error;
    }
    return state::MemStateStore::Load(console, name);
  }

  Status Commit(std::string_view console, std::string_view name, const state::Checkpoint& cp,
                const state::SeenKeys* seen) override {
    {
      std::lock_guard<std::mutex> lock(fault_mu_);
      if (fail_commits > 0) {
        --fail_commits;
        return IoError("injected commit failure");
      }
    }
    return state::MemStateStore::Commit(console, name, cp, seen);
  }

 private:
  std::mutex fault_mu_;
};

}  // namespace s1c::testing
