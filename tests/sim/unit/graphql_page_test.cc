#include "simulator/graphql_page.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "expected_rows.h"
#include "simulator/cursor.h"
#include "simulator/event_generator.h"
#include "simulator/event_store.h"
#include "simulator/graphql_request.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

constexpr int64_t kNow = kAfterEveryRow;
constexpr char kQuery[] = "{ alerts { totalCount edges { cursor node { id } } } }";

const StreamSpec& Uam() { return SpecOf(StreamKind::kUnifiedAlerts); }

CorpusOptions UamCorpus(int64_t count) {
  CorpusOptions o;
  o.seed = 21;
  o.activities = 0;
  o.threats = 0;
  o.unified_alerts = count;
  return o;
}

std::vector<EventRecord> SortedUamRows(int64_t count) {
  EventGenerator gen(UamCorpus(count));
  EventStore store(Uam());
  store.Reset(std::move(gen.Generate().unified_alerts));
  return store.Read([](std::span<const EventRecord> rows) {
    return std::vector<EventRecord>(rows.begin(), rows.end());
  });
}

EventRecord Row(int64_t time_ms, uint64_t id) {
  EventRecord e;
  e.created_us = time_ms * 1000;
  e.updated_us = time_ms * 1000;
  e.id = id;
  e.json = R"({"id":")" + std::to_string(id) + R"(","name":"Zürich \"quoted\""})";
  return e;
}

Query Parse(const json& variables) {
  auto q =
      ParseGraphqlRequest(Uam(), json({{"query", kQuery}, {"variables", variables}}).dump(), {});
  EXPECT_TRUE(q.has_value()) << (q ? "" : q.error().front().message);
  return q.value_or(Query{});
}

TEST(GraphqlPageTest, RendersEdgesAndPageInfo) {
  const std::vector<EventRecord> rows = {Row(1000, 7), Row(1000, 9), Row(2000, 1)};
  const Query q = Parse({{"first", 2}});
  const Page page = RunQuery(rows, Uam(), q, kNow);
  const std::string body = RenderGraphqlPage(page, q);
  const std::string c0 = EncodeCursor(Cursor{KeyOf(rows[0], q.sort_field), q.filter_hash});
  const std::string c1 = EncodeCursor(Cursor{KeyOf(rows[1], q.sort_field), q.filter_hash});
  EXPECT_EQ(body, R"({"data":{"alerts":{"totalCount":3,"pageInfo":{"hasNextPage":true,)"
                  R"("hasPreviousPage":false,"startCursor":")" +
                      c0 + R"(","endCursor":")" + c1 + R"("},"edges":[{"cursor":")" + c0 +
                      R"(","node":)" + rows[0].json + R"(},{"cursor":")" + c1 + R"(","node":)" +
                      rows[1].json + "}]}}}");
  EXPECT_TRUE(json::accept(body));
  // The last page: no next page, endCursor still the last edge's.
  json next = {{"first", 2}, {"after", c1}};
  const Query q2 = Parse(next);
  const json last = json::parse(RenderGraphqlPage(RunQuery(rows, Uam(), q2, kNow), q2));
  const json& info = last["data"]["alerts"]["pageInfo"];
  EXPECT_FALSE(info["hasNextPage"].get<bool>());
  ASSERT_EQ(last["data"]["alerts"]["edges"].size(), 1u);
  EXPECT_EQ(info["endCursor"], last["data"]["alerts"]["edges"][0]["cursor"]);
  EXPECT_EQ(info["startCursor"], info["endCursor"]);
  EXPECT_EQ(last["data"]["alerts"]["totalCount"], 3);
}

TEST(GraphqlPageTest, AnEmptyPageHasNullCursors) {
  const std::vector<EventRecord> rows = {Row(1000, 7)};
  const Query q = Parse(
      {{"filters", {{{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "Identity"}}}}}}});
  EXPECT_EQ(RenderGraphqlPage(RunQuery(rows, Uam(), q, kNow), q),
            R"({"data":{"alerts":{"totalCount":0,"pageInfo":{"hasNextPage":false,)"
            R"("hasPreviousPage":false,"startCursor":null,"endCursor":null},"edges":[]}}})");
}

struct Walk {
  std::vector<std::string> nodes;
  std::vector<const EventRecord*> rows;
  int pages = 0;
  int64_t total = -1;
  int boundaries_inside_ties = 0;
};

// Follows endCursor while hasNextPage, as a GraphQL client does.
Walk WalkAll(std::span<const EventRecord> rows, json variables) {
  Walk walk;
  std::map<std::string, const EventRecord*> by_bytes;
  for (const auto& r : rows) by_bytes[r.json] = &r;
  while (true) {
    const Query q = Parse(variables);
    const json page = json::parse(RenderGraphqlPage(RunQuery(rows, Uam(), q, kNow), q));
    const json& alerts = page["data"]["alerts"];
    ++walk.pages;
    if (walk.total >= 0) {
      EXPECT_EQ(alerts["totalCount"].get<int64_t>(), walk.total);
    }
    walk.total = alerts["totalCount"].get<int64_t>();
    const json& edges = alerts["edges"];
    for (size_t i = 0; i < edges.size(); ++i) {
      const std::string node = edges[i]["node"].dump();
      auto it = by_bytes.find(node);
      if (it == by_bytes.end()) {
        ADD_FAILURE() << "node bytes must be the stored row: " << node;
        return walk;
      }
      if (i == 0 && !walk.rows.empty() &&
          walk.rows.back()->Time(q.sort_field) == it->second->Time(q.sort_field)) {
        ++walk.boundaries_inside_ties;
      }
      walk.rows.push_back(it->second);
      walk.nodes.push_back(node);
    }
    if (!edges.empty()) {
      EXPECT_EQ(alerts["pageInfo"]["endCursor"], edges.back()["cursor"]);
    }
    if (!alerts["pageInfo"]["hasNextPage"].get<bool>()) break;
    EXPECT_EQ(edges.size(), static_cast<size_t>(q.limit)) << "only the last page may be short";
    variables["after"] = alerts["pageInfo"]["endCursor"];
    if (walk.pages > 100000) {
      ADD_FAILURE() << "cursor loop";
      break;
    }
  }
  return walk;
}

TEST(GraphqlPageTest, PagingReturnsEveryRowOnceInOrderAcrossTies) {
  const auto rows = SortedUamRows(400);
  for (int first : {1, 3, 7, 50, 1000}) {
    for (const char* order : {"ASC", "DESC"}) {
      for (const char* by : {"updatedAt", "createdAt"}) {
        SCOPED_TRACE(std::to_string(first) + " " + order + " " + by);
        const json vars = {{"first", first}, {"sort", {{"by", by}, {"order", order}}}};
        const Walk walk = WalkAll(rows, vars);
        const auto expected = ExpectedRows(rows, Parse(vars));
        EXPECT_EQ(walk.rows, expected);
        EXPECT_EQ(walk.total, static_cast<int64_t>(rows.size()));
        if (first == 1) {
          EXPECT_GT(walk.boundaries_inside_ties, 0) << "the corpus has ties";
        }
      }
    }
  }
}

TEST(GraphqlPageTest, DetectionProductAndTimeFiltersCombineWithPaging) {
  const auto rows = SortedUamRows(300);
  std::map<std::string, int> per_product;
  for (const auto& r : rows) ++per_product[std::string(r.product)];
  const int64_t mid_ms = rows[rows.size() / 3].updated_us / 1000;
  const int64_t late_ms = rows[rows.size() * 2 / 3].updated_us / 1000;
  const json identity = {{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "Identity"}}}};
  const json edr_star = {{"fieldId", "detectionProduct"},
                         {"stringIn", {{"values", {"EDR", "STAR", "Nope"}}}}};
  const json window = {{"fieldId", "updatedAt"},
                       {"dateTimeRange", {{"start", mid_ms}, {"end", late_ms}}}};
  for (const json& filters : {json::array({identity}), json::array({edr_star}),
                              json::array({edr_star, window}), json::array({window})}) {
    SCOPED_TRACE(filters.dump());
    const json vars = {{"first", 4}, {"filters", filters}};
    const Walk walk = WalkAll(rows, vars);
    EXPECT_EQ(walk.rows, ExpectedRows(rows, Parse(vars)));
  }
  const Walk only_identity = WalkAll(rows, {{"first", 5}, {"filters", {identity}}});
  EXPECT_EQ(static_cast<int>(only_identity.rows.size()), per_product["Identity"]);
  for (const std::string& node : only_identity.nodes) {
    EXPECT_EQ(json::parse(node)["detectionSource"]["product"], "Identity");
  }
  const Walk edr_or_star = WalkAll(rows, {{"first", 5}, {"filters", {edr_star}}});
  EXPECT_EQ(static_cast<int>(edr_or_star.rows.size()), per_product["EDR"] + per_product["STAR"]);
}

TEST(GraphqlPageTest, TotalCountHonoursTheProductFilterWhenEveryRowIsVisible) {
  // The server passes all_visible when no row is late or superseded, which
  // lets an unfiltered count skip the rows; a product filter must not.
  const auto rows = SortedUamRows(100);
  const Query q = Parse(
      {{"filters", {{{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "Cloud"}}}}}}});
  const int64_t clouds = std::count_if(rows.begin(), rows.end(),
                                       [](const EventRecord& e) { return e.product == "Cloud"; });
  ASSERT_GT(clouds, 0);
  EXPECT_EQ(RunQuery(rows, Uam(), q, kNow, /*all_visible=*/true).total_items, clouds);
  EXPECT_EQ(RunQuery(rows, Uam(), Parse(json::object()), kNow, true).total_items,
            static_cast<int64_t>(rows.size()));
}

TEST(GraphqlPageTest, RangeBoundsAreMillisecondsWithTheirInclusiveness) {
  const auto rows = SortedUamRows(50);
  const EventRecord& row = rows[10];
  const int64_t ms = row.updated_us / 1000;
  auto count = [&](const json& range) {
    const json vars = {{"first", 1000},
                       {"filters", {{{"fieldId", "updatedAt"}, {"dateTimeRange", range}}}}};
    const Walk walk = WalkAll(rows, vars);
    return std::count(walk.rows.begin(), walk.rows.end(), &row);
  };
  EXPECT_EQ(count({{"start", ms}}), 1);
  EXPECT_EQ(count({{"start", ms}, {"startInclusive", false}}), 0);
  EXPECT_EQ(count({{"end", ms}}), 0);
  EXPECT_EQ(count({{"end", ms}, {"endInclusive", true}}), 1);
}

TEST(GraphqlPageTest, CursorsStayCorrectWhileAlertsAreAdded) {
  const CorpusOptions o = UamCorpus(60);
  EventGenerator gen(o);
  EventStore store(Uam());
  store.Reset(std::move(gen.Generate().unified_alerts));
  const size_t initial = store.size();
  json vars = {{"first", 7}};
  std::set<std::string> seen;
  int pages = 0;
  while (true) {
    const Query q = Parse(vars);
    const json page = json::parse(store.Read([&](std::span<const EventRecord> rows) {
      return RenderGraphqlPage(RunQuery(rows, Uam(), q, kNow), q);
    }));
    for (const json& edge : page["data"]["alerts"]["edges"]) {
      EXPECT_TRUE(seen.insert(edge["node"].dump()).second) << "duplicate node";
    }
    if (++pages == 2) {
      // New alerts and new versions arrive, later than everything so far.
      for (int i = 0; i < 20; ++i) {
        LiveRow live = gen.LiveUnifiedAlert(o.start_us + 30 * o.span_us + i * 1500);
        live.row.visible_from_us = kAlwaysVisible;
        store.Add(std::move(live.row), live.supersedes);
      }
    }
    const json& info = page["data"]["alerts"]["pageInfo"];
    if (!info["hasNextPage"].get<bool>()) break;
    vars["after"] = info["endCursor"];
  }
  EXPECT_EQ(seen.size(), initial + 20);
}

TEST(GraphqlPageTest, ACursorReplayedWithOtherFiltersIsRefused) {
  const auto rows = SortedUamRows(30);
  const json identity = {{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "Identity"}}}};
  const Query q = Parse({{"first", 2}, {"filters", {identity}}});
  const json page = json::parse(RenderGraphqlPage(RunQuery(rows, Uam(), q, kNow), q));
  const json cursor = page["data"]["alerts"]["pageInfo"]["endCursor"];
  ASSERT_TRUE(cursor.is_string());
  auto replay = ParseGraphqlRequest(
      Uam(), json({{"query", kQuery}, {"variables", {{"first", 2}, {"after", cursor}}}}).dump(),
      {});
  ASSERT_FALSE(replay.has_value());
  EXPECT_EQ(replay.error().front().code, "BAD_USER_INPUT");
}

}  // namespace
}  // namespace s1c::sim
