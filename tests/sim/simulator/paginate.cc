#include "simulator/paginate.h"

#include <algorithm>
#include <limits>

#include "simulator/cursor.h"

namespace s1c::sim {
namespace {

// The time range [lo, hi) that the bounds on `field` allow.
std::pair<int64_t, int64_t> RangeOn(const Query& q, TimeField field) {
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  for (const auto& b : q.bounds) {
    if (b.field != field) continue;
    switch (b.op) {
      case BoundOp::kGt:
        lo =
            std::max(lo, b.micros == std::numeric_limits<int64_t>::max() ? b.micros : b.micros + 1);
        break;
      case BoundOp::kGte:
        lo = std::max(lo, b.micros);
        break;
      case BoundOp::kLt:
        hi = std::min(hi, b.micros);
        break;
      case BoundOp::kLte:
        hi =
            std::min(hi, b.micros == std::numeric_limits<int64_t>::max() ? b.micros : b.micros + 1);
        break;
    }
  }
  return {lo, hi};
}

// Rows in the order the query asks for. When it sorts by the stream's own
// time field the rows are already in order and the time bounds select a
// contiguous slice; otherwise the matching rows are sorted here.
std::vector<const EventRecord*> Candidates(std::span<const EventRecord> rows,
                                           const StreamSpec& spec, const Query& q) {
  std::vector<const EventRecord*> out;
  if (q.sort_field == spec.primary) {
    auto [lo, hi] = RangeOn(q, spec.primary);
    auto by_time_lo = [&](const EventRecord& e, int64_t t) { return e.Time(spec.primary) < t; };
    auto first = std::lower_bound(rows.begin(), rows.end(), lo, by_time_lo);
    auto last = std::lower_bound(first, rows.end(), hi, by_time_lo);
    out.reserve(static_cast<size_t>(last - first));
    for (auto it = first; it != last; ++it) out.push_back(&*it);
  } else {
    for (const auto& e : rows) {
      if (q.Matches(e)) out.push_back(&e);
    }
    std::sort(out.begin(), out.end(), [&](const EventRecord* a, const EventRecord* b) {
      return KeyOf(*a, q.sort_field) < KeyOf(*b, q.sort_field);
    });
  }
  if (q.descending) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

Page RunQuery(std::span<const EventRecord> rows, const StreamSpec& spec, const Query& query,
              int64_t now_us) {
  return RunQuery(rows, spec, query, now_us, /*all_visible=*/false);
}

Page RunQuery(std::span<const EventRecord> rows, const StreamSpec& spec, const Query& query,
              int64_t now_us, bool all_visible) {
  Page page;
  const EventRecord* last = nullptr;
  bool more = false;
  if (query.sort_field == spec.primary && !query.descending) {
    // The common case (every collector request): the rows are already in
    // query order, the time bounds select a slice and the cursor a start
    // position in it, both found by binary search. A page costs O(limit +
    // log n), not a scan of the stream.
    auto [lo, hi] = RangeOn(query, spec.primary);
    auto by_time_lo = [&](const EventRecord& e, int64_t t) { return e.Time(spec.primary) < t; };
    auto first = std::lower_bound(rows.begin(), rows.end(), lo, by_time_lo);
    auto end = std::lower_bound(first, rows.end(), hi, by_time_lo);
    auto start = first;
    if (query.after) {
      start = std::upper_bound(
          first, end, *query.after,
          [&](const SortKey& k, const EventRecord& e) { return k < KeyOf(e, spec.primary); });
    }
    if (all_visible && query.OnlyBoundsOn(spec.primary)) {
      page.total_items = end - first;
    } else {
      for (auto it = first; it != end; ++it) {
        if (it->VisibleAt(now_us) && query.Matches(*it)) ++page.total_items;
      }
    }
    for (auto it = start; it != end; ++it) {
      if (!it->VisibleAt(now_us) || !query.Matches(*it)) continue;
      if (page.items.size() < static_cast<size_t>(query.limit)) {
        page.items.push_back(&*it);
        last = &*it;
      } else {
        more = true;
        break;
      }
    }
  } else {
    for (const EventRecord* e : Candidates(rows, spec, query)) {
      if (!e->VisibleAt(now_us) || !query.Matches(*e)) continue;
      ++page.total_items;
      if (query.after) {
        const SortKey key = KeyOf(*e, query.sort_field);
        const bool past_cursor = query.descending ? key < *query.after : key > *query.after;
        if (!past_cursor) continue;
      }
      if (page.items.size() < static_cast<size_t>(query.limit)) {
        page.items.push_back(e);
        last = e;
      } else {
        more = true;
      }
    }
  }
  if (more && last != nullptr) {
    page.next_cursor = EncodeCursor(Cursor{KeyOf(*last, query.sort_field), query.filter_hash});
  }
  return page;
}

std::string RenderPage(const Page& page) {
  size_t size = 64;
  for (const EventRecord* e : page.items) size += e->json.size() + 1;
  std::string out;
  out.reserve(size);
  out += "{\"data\":[";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) out += ',';
    out += page.items[i]->json;
  }
  out += "],\"pagination\":{\"nextCursor\":";
  out += page.next_cursor ? "\"" + *page.next_cursor + "\"" : std::string("null");
  out += ",\"totalItems\":" + std::to_string(page.total_items) + "}}";
  return out;
}

}  // namespace s1c::sim
