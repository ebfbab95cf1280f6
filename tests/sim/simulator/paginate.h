// Running a Query over a stream's rows: filter, sort, page, count.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "simulator/event_record.h"
#include "simulator/query.h"
#include "simulator/stream.h"

namespace s1c::sim {

struct Page {
  std::vector<const EventRecord*> items;   // Point into the rows passed to RunQuery.
  std::optional<std::string> next_cursor;  // nullopt on the last page.
  int64_t total_items = 0;                 // Rows matching the filters, on all pages.
};

// Returns the page of `query` over the rows visible at `now_us`. Rows come in
// the order (sort time, id, other time), ascending or descending; a cursor
// resumes strictly after its row. next_cursor is set only when more matching
// rows follow the page.
// REQUIRES: `rows` sorted ascending by KeyOf(row, spec.primary).
Page RunQuery(std::span<const EventRecord> rows, const StreamSpec& spec, const Query& query,
              int64_t now_us);
// The same; `all_visible` promises that every row is always visible
// (EventStore::ReadRows says when), which lets totalItems of an unscoped
// query be counted without visiting the rows.
Page RunQuery(std::span<const EventRecord> rows, const StreamSpec& spec, const Query& query,
              int64_t now_us, bool all_visible);

// The API envelope: {"data":[...],"pagination":{"nextCursor":...,"totalItems":N}},
// with each row's stored bytes copied verbatim.
std::string RenderPage(const Page& page);

}  // namespace s1c::sim
