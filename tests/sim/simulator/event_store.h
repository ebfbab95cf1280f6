// EventStore: one stream's rows, kept sorted, shared by request handlers and
// the live feeder.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <span>
#include <vector>

#include "simulator/event_record.h"
#include "simulator/stream.h"

namespace s1c::sim {

// Owns the rows of one stream, sorted by KeyOf(row, spec.primary).
// Thread-safe: readers share a lock, writers take it exclusively.
class EventStore {
 public:
  explicit EventStore(const StreamSpec& spec) : spec_(spec) {}

  const StreamSpec& spec() const { return spec_; }

  // Replaces the contents with `rows` (any order).
  void Reset(std::vector<EventRecord> rows);

  // Inserts one row in order. With `supersede`, every other row with the
  // same id stops being served once `row` becomes visible ("latest" history
  // mode: a threat shows only its current version). That is a scan of the
  // stream, fine at live-mode rates.
  void Add(EventRecord row, bool supersede);

  // Calls fn(std::span<const EventRecord>) under the shared lock and returns
  // its result. The span and pointers into it are valid only inside fn.
  template <typename Fn>
  auto Read(Fn&& fn) const {
    std::shared_lock lock(mu_);
    return fn(std::span<const EventRecord>(rows_));
  }

  // Like Read, but calls fn(rows, all_visible): all_visible is true when
  // every row has always been and stays visible (no late or superseded rows).
  template <typename Fn>
  auto ReadRows(Fn&& fn) const {
    std::shared_lock lock(mu_);
    return fn(std::span<const EventRecord>(rows_), restricted_ == 0);
  }

  size_t size() const;

 private:
  const StreamSpec& spec_;
  mutable std::shared_mutex mu_;
  std::vector<EventRecord> rows_;
  size_t restricted_ = 0;  // Rows that are not always visible.
};

}  // namespace s1c::sim
