// What the simulator's paging tests compare a walk of pages with: the rows a
// brute-force filter keeps, in the query's order.
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "simulator/event_record.h"
#include "simulator/query.h"

namespace s1c::sim {

// Every generated time is before 2027-01-01: at this "now" all rows are due.
inline constexpr int64_t kAfterEveryRow = 1798761600000000;

inline std::vector<const EventRecord*> ExpectedRows(std::span<const EventRecord> rows,
                                                    const Query& q) {
  std::vector<const EventRecord*> out;
  for (const auto& e : rows) {
    if (e.VisibleAt(kAfterEveryRow) && q.Matches(e)) out.push_back(&e);
  }
  std::sort(out.begin(), out.end(), [&](const EventRecord* a, const EventRecord* b) {
    return q.descending ? KeyOf(*b, q.sort_field) < KeyOf(*a, q.sort_field)
                        : KeyOf(*a, q.sort_field) < KeyOf(*b, q.sort_field);
  });
  return out;
}

}  // namespace s1c::sim
