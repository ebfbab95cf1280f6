// Counters: named integer counts for the /_sim/stats and /_sink/stats pages.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace s1c::sim {

// Two-level counts such as requests[endpoint][status]. Thread-safe.
class CounterTable {
 public:
  void Add(const std::string& row, const std::string& column, int64_t n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    counts_[row][column] += n;
  }
  // {"row": {"column": n, ...}, ...}
  nlohmann::json ToJson() const {
    std::lock_guard<std::mutex> lock(mu_);
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [row, columns] : counts_) {
      for (const auto& [column, n] : columns) out[row][column] = n;
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, int64_t>> counts_;
};

// One-level counts such as events_served[stream]. Thread-safe.
class CounterRow {
 public:
  void Add(const std::string& key, int64_t n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    counts_[key] += n;
  }
  int64_t Get(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = counts_.find(key);
    return it == counts_.end() ? 0 : it->second;
  }
  // {"key": n, ...}
  nlohmann::json ToJson() const {
    std::lock_guard<std::mutex> lock(mu_);
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, n] : counts_) out[key] = n;
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, int64_t> counts_;
};

}  // namespace s1c::sim
