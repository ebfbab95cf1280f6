#include "simulator/event_store.h"

#include <algorithm>
#include <mutex>

namespace s1c::sim {

void EventStore::Reset(std::vector<EventRecord> rows) {
  const TimeField field = spec_.primary;
  std::sort(rows.begin(), rows.end(), [field](const EventRecord& a, const EventRecord& b) {
    return KeyOf(a, field) < KeyOf(b, field);
  });
  std::unique_lock lock(mu_);
  rows_ = std::move(rows);
}

void EventStore::Add(EventRecord row, bool supersede) {
  const TimeField field = spec_.primary;
  const SortKey key = KeyOf(row, field);
  std::unique_lock lock(mu_);
  if (supersede) {
    for (EventRecord& other : rows_) {
      if (other.id == row.id)
        other.hidden_from_us = std::min(other.hidden_from_us, row.visible_from_us);
    }
  }
  // Live rows are nearly always the newest, so this is usually an append.
  auto pos = std::upper_bound(
      rows_.begin(), rows_.end(), key,
      [field](const SortKey& k, const EventRecord& e) { return k < KeyOf(e, field); });
  rows_.insert(pos, std::move(row));
}

size_t EventStore::size() const {
  std::shared_lock lock(mu_);
  return rows_.size();
}

}  // namespace s1c::sim
