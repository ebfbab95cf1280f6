// MemStateStore: a StateStore that keeps checkpoints in memory and writes
// nothing. `backfill --dry-run` runs the real Poller against it; tests use
// it as the fake store. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "s1c/state/state_store.h"

namespace s1c::state {

class MemStateStore : public StateStore {
 public:
  Result<std::optional<Checkpoint>> Load(std::string_view console,
                                         std::string_view name) override;
  Status Commit(std::string_view console, std::string_view name, const Checkpoint& cp,
                const SeenKeys* seen) override;
  Result<std::optional<SeenKeys>> LoadSeen(std::string_view console, std::string_view name,
                                           size_t max_keys) override;
  Status Reset(std::string_view console, std::string_view name) override;
  Result<StateListing> List() override;

  // How many commits succeeded so far.
  int commits() const;

 private:
  using Key = std::pair<std::string, std::string>;  // (console, name)
  mutable std::mutex mu_;
  std::map<Key, Checkpoint> map_;
  std::map<Key, SeenKeys> seen_;
  int commits_ = 0;
};

}  // namespace s1c::state
