#include "simulator/graphql_request.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "simulator/cursor.h"
#include "simulator/graphql_schema.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

constexpr int kDefaultFirst = 10;
constexpr int kMaxFirst = 1000;
// Epoch milliseconds whose microseconds still fit in an int64.
constexpr int64_t kMaxMillis = std::numeric_limits<int64_t>::max() / 1000;

// Messages follow graphql-js's coercion errors:
// Variable "$filters" got invalid value "x" at "filters[0].fieldId"; <reason>
GraphqlError Invalid(std::string_view variable, std::string_view path, const json& value,
                     std::string_view reason) {
  std::string message = "Variable \"$" + std::string(variable) + "\" got invalid value " +
                        value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (path != variable) message += " at \"" + std::string(path) + "\"";
  message += "; " + std::string(reason);
  return {std::move(message), std::string(kBadUserInput), std::nullopt};
}

using Check = std::expected<void, GraphqlError>;

// Null or absent values count as "not given", as GraphQL nullable inputs do.
const json* Field(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

Check OnlyKeys(const json& object, std::string_view variable, const std::string& path,
               std::initializer_list<std::string_view> keys) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return std::unexpected(Invalid(variable, path, object,
                                     "Field \"" + key + "\" is not defined by the input type."));
    }
  }
  return {};
}

Check ParseFirst(const json& vars, Query& q) {
  q.limit = kDefaultFirst;
  const json* first = Field(vars, "first");
  if (first == nullptr) return {};
  if (!first->is_number_integer() || first->get<int64_t>() < 1 ||
      first->get<int64_t>() > kMaxFirst) {
    return std::unexpected(
        Invalid("first", "first", *first, "Expected an integer between 1 and 1000."));
  }
  q.limit = first->get<int>();
  return {};
}

Check ParseSort(const StreamSpec& spec, const json& vars, Query& q) {
  q.sort_field = spec.primary;
  const json* sort = Field(vars, "sort");
  if (sort == nullptr) return {};
  if (!sort->is_object())
    return std::unexpected(Invalid("sort", "sort", *sort, "Expected an object."));
  if (auto ok = OnlyKeys(*sort, "sort", "sort", {"by", "order"}); !ok) return ok;
  if (const json* by = Field(*sort, "by")) {
    if (by->is_string() && *by == spec.created_sort) {
      q.sort_field = TimeField::kCreated;
    } else if (by->is_string() && *by == spec.updated_sort) {
      q.sort_field = TimeField::kUpdated;
    } else {
      return std::unexpected(Invalid("sort", "sort.by", *by,
                                     "Expected one of " + std::string(spec.updated_sort) + ", " +
                                         std::string(spec.created_sort) + "."));
    }
  }
  if (const json* order = Field(*sort, "order")) {
    if (!order->is_string() || (*order != "ASC" && *order != "DESC")) {
      return std::unexpected(Invalid("sort", "sort.order", *order, "Expected one of ASC, DESC."));
    }
    q.descending = *order == "DESC";
  }
  return {};
}

Check ParseRange(const json& filter, const std::string& path, TimeField field, Query& q) {
  const json* range = Field(filter, "dateTimeRange");
  const std::string at = path + ".dateTimeRange";
  if (range == nullptr || !range->is_object()) {
    return std::unexpected(Invalid("filters", at, range ? *range : json(nullptr),
                                   "Expected an object with start and/or end."));
  }
  if (auto ok = OnlyKeys(*range, "filters", at, {"start", "startInclusive", "end", "endInclusive"});
      !ok) {
    return ok;
  }
  for (const char* end : {"start", "end"}) {
    const json* millis = Field(*range, end);
    if (millis == nullptr) continue;
    if (!millis->is_number_integer() || millis->get<int64_t>() > kMaxMillis ||
        millis->get<int64_t>() < -kMaxMillis) {
      return std::unexpected(
          Invalid("filters", at + "." + end, *millis, "Expected an integer: epoch milliseconds."));
    }
    const std::string flag = std::string(end) + "Inclusive";
    const json* inclusive_value = Field(*range, flag.c_str());
    if (inclusive_value != nullptr && !inclusive_value->is_boolean()) {
      return std::unexpected(
          Invalid("filters", at + "." + flag, *inclusive_value, "Expected a boolean."));
    }
    // start is inclusive and end exclusive unless told otherwise.
    const bool is_start = std::string_view(end) == "start";
    const bool inclusive = inclusive_value ? inclusive_value->get<bool>() : is_start;
    const BoundOp op = is_start ? (inclusive ? BoundOp::kGte : BoundOp::kGt)
                                : (inclusive ? BoundOp::kLte : BoundOp::kLt);
    q.bounds.push_back(TimeBound{field, op, millis->get<int64_t>() * 1000});
  }
  return {};
}

Check ParseProductFilter(const json& filter, const std::string& path, Query& q) {
  std::vector<std::string> values;
  const json* equal = Field(filter, "stringEqual");
  const json* in = Field(filter, "stringIn");
  if ((equal == nullptr) == (in == nullptr)) {
    return std::unexpected(
        Invalid("filters", path, filter, "detectionProduct takes one of stringEqual, stringIn."));
  }
  if (equal != nullptr) {
    const json* value = equal->is_object() ? Field(*equal, "value") : nullptr;
    if (value == nullptr || !value->is_string()) {
      return std::unexpected(
          Invalid("filters", path + ".stringEqual", *equal, "Expected {\"value\": <string>}."));
    }
    values.push_back(value->get<std::string>());
  } else {
    const json* list = in->is_object() ? Field(*in, "values") : nullptr;
    if (list == nullptr || !list->is_array() ||
        !std::all_of(list->begin(), list->end(), [](const json& v) { return v.is_string(); })) {
      return std::unexpected(
          Invalid("filters", path + ".stringIn", *in, "Expected {\"values\": [<string>, ...]}."));
    }
    for (const json& v : *list) values.push_back(v.get<std::string>());
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  // Filters all hold: a second product filter narrows the first.
  if (q.products) {
    std::vector<std::string> both;
    std::set_intersection(q.products->begin(), q.products->end(), values.begin(), values.end(),
                          std::back_inserter(both));
    values = std::move(both);
  }
  q.products = std::move(values);
  return {};
}

Check ParseFilters(const json& vars, Query& q) {
  const json* filters = Field(vars, "filters");
  if (filters == nullptr) return {};
  if (!filters->is_array()) {
    return std::unexpected(Invalid("filters", "filters", *filters, "Expected a list."));
  }
  for (size_t i = 0; i < filters->size(); ++i) {
    const json& filter = (*filters)[i];
    const std::string path = "filters[" + std::to_string(i) + "]";
    const json* id = filter.is_object() ? Field(filter, "fieldId") : nullptr;
    if (id == nullptr || !id->is_string()) {
      return std::unexpected(
          Invalid("filters", path, filter, "Expected an object with a string fieldId."));
    }
    Check ok;
    if (*id == "updatedAt" || *id == "createdAt") {
      ok = OnlyKeys(filter, "filters", path, {"fieldId", "dateTimeRange"});
      if (ok) {
        ok = ParseRange(filter, path,
                        *id == "createdAt" ? TimeField::kCreated : TimeField::kUpdated, q);
      }
    } else if (*id == "detectionProduct") {
      ok = OnlyKeys(filter, "filters", path, {"fieldId", "stringEqual", "stringIn"});
      if (ok) ok = ParseProductFilter(filter, path, q);
    } else {
      return std::unexpected(Invalid("filters", path + ".fieldId", *id,
                                     "Expected one of updatedAt, createdAt, detectionProduct."));
    }
    if (!ok) return ok;
  }
  return {};
}

Check ParseAfter(const StreamSpec& spec, const json& vars, Query& q) {
  q.filter_hash = FilterHashOf(spec, q);
  const json* after = Field(vars, "after");
  if (after == nullptr) return {};
  if (!after->is_string())
    return std::unexpected(Invalid("after", "after", *after, "Invalid cursor."));
  auto cursor = DecodeCursor(after->get<std::string>());
  if (!cursor.ok()) return std::unexpected(Invalid("after", "after", *after, "Invalid cursor."));
  if (cursor->filter_hash != q.filter_hash) {
    return std::unexpected(Invalid("after", "after", *after,
                                   "The cursor belongs to a query with other filters or sort."));
  }
  q.after = cursor->after;
  return {};
}

GraphqlError BadBody(std::string message) {
  return {std::move(message), std::string(kBadUserInput), std::nullopt};
}

}  // namespace

std::expected<Query, std::vector<GraphqlError>> ParseGraphqlRequest(
    const StreamSpec& spec, std::string_view body, const std::vector<std::string>& missing_fields) {
  using Errors = std::vector<GraphqlError>;
  const json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    return std::unexpected(Errors{{"Unexpected token in JSON body: the request is not valid JSON.",
                                   std::string(kGraphqlParseFailed), std::nullopt}});
  }
  const json* text = request.is_object() ? Field(request, "query") : nullptr;
  if (text == nullptr || !text->is_string() || text->get<std::string>().empty()) {
    return std::unexpected(Errors{BadBody("GraphQL operations must contain a non-empty `query`.")});
  }
  Errors errors = ValidateAlertsQuery(text->get<std::string>(), missing_fields);
  if (!errors.empty()) return std::unexpected(std::move(errors));

  const json* vars = Field(request, "variables");
  if (vars != nullptr && !vars->is_object()) {
    return std::unexpected(Errors{BadBody(
        "Variables must be provided as an Object where each property is a variable value.")});
  }
  const json empty = json::object();
  const json& v = vars != nullptr ? *vars : empty;
  Query q;
  Check ok = ParseFirst(v, q);
  if (ok) ok = ParseSort(spec, v, q);
  if (ok) ok = ParseFilters(v, q);
  // Last: the cursor's hash covers the sort and every filter.
  if (ok) ok = ParseAfter(spec, v, q);
  if (!ok) return std::unexpected(Errors{std::move(ok.error())});
  return q;
}

}  // namespace s1c::sim
