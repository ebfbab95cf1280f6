// IdSource: unique 19-digit numeric ids, like SentinelOne's object ids.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>

#include "common/rng.h"

namespace s1c::sim {

// Draws ids uniformly from [lo, hi) and never repeats one. Not thread-safe.
class IdSource {
 public:
  // REQUIRES: lo < hi, and the range much larger than the number of draws.
  IdSource(Rng& rng, uint64_t lo, uint64_t hi) : rng_(rng), lo_(lo), hi_(hi) {}

  uint64_t Next() {
    while (true) {
      const uint64_t id = lo_ + rng_.Below(hi_ - lo_);
      if (used_.insert(id).second) return id;
    }
  }
  std::string NextString() { return std::to_string(Next()); }

 private:
  Rng& rng_;
  uint64_t lo_;
  uint64_t hi_;
  std::unordered_set<uint64_t> used_;
};

}  // namespace s1c::sim
