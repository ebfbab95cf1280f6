#include "simulator/query.h"

#include <algorithm>
#include <charconv>

#include "s1c/core/iso_time.h"
#include "simulator/cursor.h"

namespace s1c::sim {
namespace {

constexpr int kMaxLimit = 1000;

struct OpName {
  std::string_view suffix;
  BoundOp op;
};
constexpr OpName kOps[] = {{"__gt", BoundOp::kGt},
                           {"__gte", BoundOp::kGte},
                           {"__lt", BoundOp::kLt},
                           {"__lte", BoundOp::kLte}};

const std::string* First(const QueryParams& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

Result<int> ParseLimit(const std::string& text) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 1 ||
      value > kMaxLimit) {
    return InvalidArgument("limit: Must be between 1 and 1000");
  }
  return value;
}

// "a,b,c" -> {a, b, c}; ids are numeric strings in the real API.
Result<std::vector<std::string>> ParseIdList(const std::string& name, const std::string& text) {
  std::vector<std::string> ids;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = std::min(text.find(',', begin), text.size());
    std::string id = text.substr(begin, end - begin);
    if (id.empty() ||
        !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidArgument(name + ": Must be a comma-separated list of numeric ids");
    }
    ids.push_back(std::move(id));
    begin = end + 1;
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Recognises "<createdAt|updatedAt>__<op>"; other names yield nullopt.
std::optional<std::pair<TimeField, BoundOp>> ParseBoundName(std::string_view name) {
  for (const auto& [suffix, op] : kOps) {
    if (!name.ends_with(suffix)) continue;
    std::string_view field = name.substr(0, name.size() - suffix.size());
    if (field == "createdAt") return std::make_pair(TimeField::kCreated, op);
    if (field == "updatedAt") return std::make_pair(TimeField::kUpdated, op);
  }
  return std::nullopt;
}

// FNV-1a, 64 bit: stable across runs, which is all a cursor check needs.
uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

bool InScope(const std::vector<std::string>& allowed, const std::string& id) {
  return allowed.empty() || std::binary_search(allowed.begin(), allowed.end(), id);
}

}  // namespace

uint64_t FilterHashOf(const StreamSpec& spec, const Query& q) {
  std::vector<std::string> bounds;
  for (const auto& b : q.bounds) {
    bounds.push_back(std::to_string(static_cast<int>(b.field)) + "/" +
                     std::to_string(static_cast<int>(b.op)) + "/" + std::to_string(b.micros));
  }
  std::sort(bounds.begin(), bounds.end());
  std::string canonical = std::string(spec.name) + "|" +
                          std::to_string(static_cast<int>(q.sort_field)) + "|" +
                          (q.descending ? "desc" : "asc") + "|";
  for (const auto& b : bounds) canonical += b + ";";
  canonical += "|";
  for (const auto& s : q.site_ids) canonical += s + ";";
  canonical += "|";
  for (const auto& a : q.account_ids) canonical += a + ";";
  // Only GraphQL queries have a product filter; REST hashes are unchanged by it.
  if (q.products) {
    canonical += "|products:";
    for (const auto& p : *q.products) canonical += p + ";";
  }
  return Fnv1a(canonical);
}

bool Query::Matches(const EventRecord& e) const {
  for (const auto& b : bounds) {
    const int64_t t = e.Time(b.field);
    switch (b.op) {
      case BoundOp::kGt:
        if (!(t > b.micros)) return false;
        break;
      case BoundOp::kGte:
        if (!(t >= b.micros)) return false;
        break;
      case BoundOp::kLt:
        if (!(t < b.micros)) return false;
        break;
      case BoundOp::kLte:
        if (!(t <= b.micros)) return false;
        break;
    }
  }
  if (products && !std::binary_search(products->begin(), products->end(), e.product)) {
    return false;
  }
  return InScope(site_ids, e.site_id) && InScope(account_ids, e.account_id);
}

bool Query::OnlyBoundsOn(TimeField field) const {
  return site_ids.empty() && account_ids.empty() && !products &&
         std::all_of(bounds.begin(), bounds.end(),
                     [field](const TimeBound& b) { return b.field == field; });
}

Result<Query> ParseQuery(const StreamSpec& spec, const QueryParams& params) {
  Query q;
  q.sort_field = spec.primary;
  if (const std::string* limit = First(params, "limit")) {
    auto value = ParseLimit(*limit);
    if (!value.ok()) return value.status();
    q.limit = *value;
  }
  if (const std::string* sort_by = First(params, "sortBy")) {
    if (*sort_by == spec.created_sort) {
      q.sort_field = TimeField::kCreated;
    } else if (*sort_by == spec.updated_sort) {
      q.sort_field = TimeField::kUpdated;
    } else {
      return InvalidArgument("sortBy: Must be one of " + std::string(spec.created_sort) + ", " +
                             std::string(spec.updated_sort));
    }
  }
  if (const std::string* order = First(params, "sortOrder")) {
    if (*order != "asc" && *order != "desc")
      return InvalidArgument("sortOrder: Must be one of asc, desc");
    q.descending = *order == "desc";
  }
  for (const auto& [name, value] : params) {
    if (name.find("__") == std::string::npos) continue;
    auto bound = ParseBoundName(name);
    if (!bound) return InvalidArgument(name + ": Unknown filter");
    auto micros = ParseIsoTime(value);
    if (!micros.ok()) return InvalidArgument(name + ": Not a valid ISO-8601 datetime");
    q.bounds.push_back(TimeBound{bound->first, bound->second, *micros});
  }
  if (const std::string* sites = First(params, "siteIds")) {
    auto ids = ParseIdList("siteIds", *sites);
    if (!ids.ok()) return ids.status();
    q.site_ids = std::move(*ids);
  }
  if (const std::string* accounts = First(params, "accountIds")) {
    auto ids = ParseIdList("accountIds", *accounts);
    if (!ids.ok()) return ids.status();
    q.account_ids = std::move(*ids);
  }
  q.filter_hash = FilterHashOf(spec, q);
  if (const std::string* text = First(params, "cursor")) {
    auto cursor = DecodeCursor(*text);
    if (!cursor.ok()) return cursor.status();
    if (cursor->filter_hash != q.filter_hash) {
      return InvalidArgument("cursor: Does not match the query's filters and sort");
    }
    q.after = cursor->after;
  }
  return q;
}

}  // namespace s1c::sim
