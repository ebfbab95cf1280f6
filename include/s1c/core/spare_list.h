// SpareList: a bounded, thread-safe stack of things kept for reuse (buffers,
// fiber stacks, libcurl handles) when making one costs more than keeping it.
// The owner makes a new one when Take() finds none, and frees what Give()
// hands back because the list is full.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace s1c {

template <typename T>
class SpareList {
 public:
  explicit SpareList(size_t max_spare) : max_spare_(max_spare) {}

  // The most recently given back, if any.
  std::optional<T> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (spare_.empty()) return std::nullopt;
    std::optional<T> item(std::move(spare_.back()));
    spare_.pop_back();
    return item;
  }

  // Keeps `item` for a later Take(); returns it when the list is full.
  std::optional<T> Give(T item) {
    std::lock_guard<std::mutex> lock(mu_);
    if (spare_.size() >= max_spare_) return item;
    spare_.push_back(std::move(item));
    return std::nullopt;
  }

  // Everything kept, for an owner that frees it at the end.
  std::vector<T> TakeAll() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(spare_, {});
  }

 private:
  const size_t max_spare_;
  std::mutex mu_;
  std::vector<T> spare_;
};

}  // namespace s1c
