#include "simulator/event_store.h"

#include <algorithm>
#include <mutex>

namespace s1c::sim {
namespace {

bool Restricted(const EventRecord& r) {
  return r.visible_from_us != kAlwaysVisible || r.hidden_from_us != kNeverHidden;
}

}  // namespace

void EventStore::Reset(std::vector<EventRecord> rows) {
  const TimeField field = spec_.primary;
  std::sort(rows.begin(), rows.end(), [field](const EventRecord& a, const EventRecord& b) {
    return KeyOf(a, field) < KeyOf(b, field);
  });
  size_t restricted = 0;
  for (const EventRecord& r : rows) restricted += Restricted(r) ? 1 : 0;
  std::unique_lock lock(mu_);
  rows_ = std::move(rows);
  restricted_ = restricted;
}

void EventStore::Add(EventRecord row, bool supersede) {
  const TimeField field = spec_.primary;
  const SortKey key = KeyOf(row, field);
  std::unique_lock lock(mu_);
  if (supersede) {
    for (EventRecord& other : rows_) {
      if (other.id != row.id) continue;
      const bool was = Restricted(other);
      other.hidden_from_us = std::min(other.hidden_from_us, row.visible_from_us);
      if (!was && Restricted(other)) ++restricted_;
    }
  }
  // Live rows are nearly always the newest, so this is usually an append.
  auto pos = std::upper_bound(
      rows_.begin(), rows_.end(), key,
      [field](const SortKey& k, const EventRecord& e) { return k < KeyOf(e, field); });
  if (Restricted(row)) ++restricted_;
  rows_.insert(pos, std::move(row));
}

size_t EventStore::size() const {
  std::shared_lock lock(mu_);
  return rows_.size();
}

}  // namespace s1c::sim
