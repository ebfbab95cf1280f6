#include "s1c/state/mem_state_store.h"

namespace s1c::state {

Result<std::optional<Checkpoint>> MemStateStore::Load(std::string_view console,
                                                      std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_.find(Key(console, name));
  if (it == map_.end()) return std::optional<Checkpoint>();
  return std::optional<Checkpoint>(it->second);
}

Status MemStateStore::Commit(std::string_view console, std::string_view name,
                             const Checkpoint& cp, const SeenKeys* seen) {
  std::lock_guard<std::mutex> lock(mu_);
  map_[Key(console, name)] = cp;
  if (seen != nullptr) {
    seen_.insert_or_assign(Key(console, name), *seen);
  } else {
    seen_.erase(Key(console, name));
  }
  ++commits_;
  return Status::Ok();
}

Result<std::optional<SeenKeys>> MemStateStore::LoadSeen(std::string_view console,
                                                        std::string_view name, size_t) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = seen_.find(Key(console, name));
  if (it == seen_.end()) return std::optional<SeenKeys>();
  return std::optional<SeenKeys>(it->second);
}

Status MemStateStore::Reset(std::string_view console, std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  map_.erase(Key(console, name));
  seen_.erase(Key(console, name));
  return Status::Ok();
}

Result<StateListing> MemStateStore::List() {
  std::lock_guard<std::mutex> lock(mu_);
  StateListing out;  // Nothing here can be unreadable.
  for (const auto& [key, cp] : map_) out.entries.push_back({key.first, key.second, cp});
  return out;
}

int MemStateStore::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

}  // namespace s1c::state
