#include "simulator/paginate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "expected_rows.h"
#include "s1c/core/iso_time.h"
#include "simulator/cursor.h"
#include "simulator/event_generator.h"
#include "simulator/event_store.h"

namespace s1c::sim {
namespace {

constexpr int64_t kNow = kAfterEveryRow;

// Rows of `stream` from a corpus, sorted as the store keeps them.
std::vector<EventRecord> SortedRows(StreamKind stream, uint64_t seed = 11) {
  CorpusOptions o;
  o.seed = seed;
  o.activities = 600;
  o.threats = 80;
  o.alerts = 60;
  o.agents = 120;
  o.groups = 40;
  EventGenerator gen(o);
  Corpus c = gen.Generate();
  EventStore store(SpecOf(stream));
  store.Reset(std::move(c.Of(stream)));
  return store.Read([](std::span<const EventRecord> rows) {
    return std::vector<EventRecord>(rows.begin(), rows.end());
  });
}

struct Walk {
  std::vector<const EventRecord*> rows;
  int pages = 0;
  int64_t total = -1;
  int boundaries_inside_ties = 0;  // Page breaks between two rows with the same time.
};

// Follows nextCursor from the first page to the last, as a client would.
Walk WalkAll(std::span<const EventRecord> rows, StreamKind stream, QueryParams params) {
  const StreamSpec& spec = SpecOf(stream);
  Walk walk;
  while (true) {
    auto query = ParseQuery(spec, params);
    if (!query.ok()) {
      ADD_FAILURE() << query.status().ToString();
      return walk;
    }
    Page page = RunQuery(rows, spec, *query, kNow);
    ++walk.pages;
    if (walk.total >= 0) {
      EXPECT_EQ(page.total_items, walk.total) << "totalItems must not depend on the page";
    }
    walk.total = page.total_items;
    if (!walk.rows.empty() && !page.items.empty() &&
        walk.rows.back()->Time(query->sort_field) == page.items.front()->Time(query->sort_field)) {
      ++walk.boundaries_inside_ties;
    }
    walk.rows.insert(walk.rows.end(), page.items.begin(), page.items.end());
    if (!page.next_cursor) break;
    EXPECT_EQ(page.items.size(), static_cast<size_t>(query->limit))
        << "only the last page may be short";
    params.erase("cursor");
    params.emplace("cursor", *page.next_cursor);
    if (walk.pages > 100000) {
      ADD_FAILURE() << "cursor loop";
      break;
    }
  }
  return walk;
}

void ExpectWalkMatches(std::span<const EventRecord> rows, StreamKind stream,
                       const QueryParams& params) {
  auto query = ParseQuery(SpecOf(stream), params);
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  const Walk walk = WalkAll(rows, stream, params);
  const auto expected = ExpectedRows(rows, *query);
  EXPECT_EQ(walk.rows, expected) << "every matching row exactly once, in order";
  EXPECT_EQ(walk.total, static_cast<int64_t>(expected.size()));
}

class PaginateStreamTest : public ::testing::TestWithParam<StreamKind> {};

TEST_P(PaginateStreamTest, WalksEveryRowOnceForAnyPageSizeAndOrder) {
  const auto rows = SortedRows(GetParam());
  const StreamSpec& spec = SpecOf(GetParam());
  for (const char* limit : {"1", "3", "7", "10", "64", "1000"}) {
    for (const char* order : {"asc", "desc"}) {
      for (std::string_view sort_by : {spec.created_sort, spec.updated_sort}) {
        SCOPED_TRACE(std::string(limit) + " " + order + " " + std::string(sort_by));
        ExpectWalkMatches(
            rows, GetParam(),
            {{"limit", limit}, {"sortOrder", order}, {"sortBy", std::string(sort_by)}});
      }
    }
  }
}

TEST_P(PaginateStreamTest, FiltersCombineWithPaging) {
  const auto rows = SortedRows(GetParam());
  const std::string mid = FormatIsoTime(rows[rows.size() / 3].updated_us);
  const std::string late = FormatIsoTime(rows[rows.size() * 2 / 3].updated_us);
  const std::string site = rows[0].site_id;
  const std::string account = rows[1].account_id;
  ExpectWalkMatches(rows, GetParam(),
                    {{"limit", "5"}, {"updatedAt__gte", mid}, {"updatedAt__lt", late}});
  ExpectWalkMatches(rows, GetParam(),
                    {{"limit", "5"}, {"updatedAt__gt", mid}, {"updatedAt__lte", late}});
  ExpectWalkMatches(rows, GetParam(), {{"limit", "4"}, {"createdAt__gte", mid}, {"siteIds", site}});
  ExpectWalkMatches(rows, GetParam(),
                    {{"limit", "9"}, {"accountIds", account + ",1"}, {"sortOrder", "desc"}});
}

INSTANTIATE_TEST_SUITE_P(AllStreams, PaginateStreamTest,
                         ::testing::Values(StreamKind::kActivities, StreamKind::kThreats,
                                           StreamKind::kAlerts, StreamKind::kAgents,
                                           StreamKind::kGroups));

TEST(PaginateTest, PageBoundariesFallInsideRunsOfEqualTimestamps) {
  const auto rows = SortedRows(StreamKind::kActivities);
  const Walk walk = WalkAll(rows, StreamKind::kActivities, {{"limit", "7"}});
  EXPECT_EQ(walk.rows.size(), rows.size());
  EXPECT_GT(walk.boundaries_inside_ties, 0);
  const std::set<const EventRecord*> unique(walk.rows.begin(), walk.rows.end());
  EXPECT_EQ(unique.size(), rows.size());
}

TEST(PaginateTest, TiesAtABoundaryHandMade) {
  // Five rows at one instant, two before and one after; pages of two.
  std::vector<EventRecord> rows;
  auto add = [&](int64_t t, uint64_t id) {
    EventRecord e;
    e.created_us = t;
    e.updated_us = t + 5;
    e.id = id;
    e.json = "{\"id\":\"" + std::to_string(id) + "\"}";
    rows.push_back(e);
  };
  add(10, 9);
  add(20, 1);
  for (uint64_t id : {5, 3, 8, 4, 7}) add(30, id);
  add(40, 2);
  EventStore store(SpecOf(StreamKind::kActivities));
  store.Reset(rows);
  store.Read([](std::span<const EventRecord> sorted) {
    const Walk walk = WalkAll(sorted, StreamKind::kActivities, {{"limit", "2"}});
    std::vector<uint64_t> ids;
    for (const auto* e : walk.rows) ids.push_back(e->id);
    EXPECT_EQ(ids, (std::vector<uint64_t>{9, 1, 3, 4, 5, 7, 8, 2}));
    EXPECT_EQ(walk.pages, 4);
    return 0;
  });
}

TEST(PaginateTest, LastPageHasNullCursorEvenWhenFull) {
  const auto rows = SortedRows(StreamKind::kActivities);
  auto query =
      ParseQuery(SpecOf(StreamKind::kActivities), {{"limit", std::to_string(rows.size())}});
  ASSERT_TRUE(query.ok());
  Page page = RunQuery(rows, SpecOf(StreamKind::kActivities), *query, kNow);
  EXPECT_EQ(page.items.size(), rows.size());
  EXPECT_FALSE(page.next_cursor);
  const std::string body = RenderPage(page);
  EXPECT_NE(body.find(R"("pagination":{"nextCursor":null,"totalItems":600}})"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::accept(body));
}

TEST(PaginateTest, CursorSurvivesRowsAddedMeanwhile) {
  CorpusOptions o;
  o.activities = 50;
  EventGenerator gen(o);
  EventStore store(SpecOf(StreamKind::kActivities));
  store.Reset(gen.Generate().activities);
  const StreamSpec& spec = SpecOf(StreamKind::kActivities);
  QueryParams params = {{"limit", "20"}};
  std::set<uint64_t> seen;
  int64_t pages = 0;
  while (true) {
    auto query = ParseQuery(spec, params);
    ASSERT_TRUE(query.ok());
    auto [ids, cursor] = store.Read([&](std::span<const EventRecord> rows) {
      Page page = RunQuery(rows, spec, *query, kNow);
      std::vector<uint64_t> out;
      for (const auto* e : page.items) out.push_back(e->id);
      return std::make_pair(out, page.next_cursor);
    });
    for (uint64_t id : ids) EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
    if (++pages == 1) {
      // New rows arrive after the first page: later ones are still reached.
      for (int i = 0; i < 30; ++i) store.Add(gen.LiveActivity(o.start_us + o.span_us + i), false);
    }
    if (!cursor) break;
    params = {{"limit", "20"}, {"cursor", *cursor}};
  }
  EXPECT_EQ(seen.size(), 80u);
}

TEST(PaginateTest, HidesRowsNotYetVisibleOrSuperseded) {
  EventStore store(SpecOf(StreamKind::kThreats));
  EventRecord v1;
  v1.created_us = 100;
  v1.updated_us = 100;
  v1.id = 1;
  v1.visible_from_us = 100;
  store.Reset({v1});
  EventRecord v2 = v1;
  v2.updated_us = 200;
  v2.visible_from_us = 250;  // Indexed late.
  store.Add(v2, /*supersede=*/true);
  const StreamSpec& spec = SpecOf(StreamKind::kThreats);
  auto query = ParseQuery(spec, {});
  ASSERT_TRUE(query.ok());
  auto visible = [&](int64_t now) {
    return store.Read([&](std::span<const EventRecord> rows) {
      std::vector<int64_t> times;
      for (const auto* e : RunQuery(rows, spec, *query, now).items) times.push_back(e->updated_us);
      return times;
    });
  };
  EXPECT_EQ(visible(50), std::vector<int64_t>{});
  EXPECT_EQ(visible(240), std::vector<int64_t>{100});
  EXPECT_EQ(visible(250), std::vector<int64_t>{200});
}

TEST(QueryTest, ValidatesParameters) {
  const StreamSpec& activities = SpecOf(StreamKind::kActivities);
  const StreamSpec& alerts = SpecOf(StreamKind::kAlerts);
  auto detail = [](const StreamSpec& spec, QueryParams params) {
    auto q = ParseQuery(spec, params);
    return q.ok() ? std::string("ok") : q.status().message();
  };
  EXPECT_EQ(detail(activities, {}), "ok");
  EXPECT_EQ(ParseQuery(activities, {})->limit, 10);
  for (const char* bad : {"0", "1001", "abc", "10x", "", "-1"}) {
    EXPECT_EQ(detail(activities, {{"limit", bad}}), "limit: Must be between 1 and 1000") << bad;
  }
  EXPECT_EQ(detail(activities, {{"limit", "1000"}}), "ok");
  EXPECT_EQ(detail(activities, {{"sortOrder", "up"}}), "sortOrder: Must be one of asc, desc");
  EXPECT_EQ(detail(alerts, {{"sortBy", "updatedAt"}}),
            "sortBy: Must be one of alertInfoCreatedAt, alertInfoUpdatedAt");
  EXPECT_EQ(detail(alerts, {{"sortBy", "alertInfoUpdatedAt"}}), "ok");
  EXPECT_EQ(detail(activities, {{"createdAt__gte", "yesterday"}}),
            "createdAt__gte: Not a valid ISO-8601 datetime");
  EXPECT_EQ(detail(activities, {{"createdAt__gte", "2026-01-01T00:00:00 00:00"}}),
            "createdAt__gte: Not a valid ISO-8601 datetime");
  EXPECT_EQ(detail(activities, {{"createdAt__gte", "2026-01-01T00:00:00.123456789+00:00"}}), "ok");
  EXPECT_EQ(detail(activities, {{"createdAt__between", "x"}}),
            "createdAt__between: Unknown filter");
  EXPECT_EQ(detail(activities, {{"siteIds", "12,,3"}}),
            "siteIds: Must be a comma-separated list of numeric ids");
  EXPECT_EQ(detail(activities, {{"cursor", "nope"}}), "cursor: Invalid cursor");
  EXPECT_EQ(detail(activities, {{"countOnly", "false"}, {"skip", "3"}}), "ok");
}

TEST(QueryTest, CursorMustMatchTheFilters) {
  const StreamSpec& spec = SpecOf(StreamKind::kActivities);
  auto q = ParseQuery(spec, {{"createdAt__gte", "2026-01-01T00:00:00Z"}});
  ASSERT_TRUE(q.ok());
  const std::string cursor = EncodeCursor({{1, 2, 3}, q->filter_hash});
  EXPECT_TRUE(
      ParseQuery(spec, {{"createdAt__gte", "2026-01-01T00:00:00Z"}, {"cursor", cursor}}).ok());
  // The same instant written differently is the same filter.
  EXPECT_TRUE(
      ParseQuery(spec, {{"createdAt__gte", "2026-01-01T00:00:00.000+00:00"}, {"cursor", cursor}})
          .ok());
  // A different limit is fine; different filters, sort or stream are not.
  EXPECT_TRUE(
      ParseQuery(spec,
                 {{"createdAt__gte", "2026-01-01T00:00:00Z"}, {"limit", "5"}, {"cursor", cursor}})
          .ok());
  EXPECT_FALSE(ParseQuery(spec, {{"cursor", cursor}}).ok());
  EXPECT_FALSE(ParseQuery(spec, {{"createdAt__gte", "2026-01-01T00:00:00Z"},
                                 {"sortOrder", "desc"},
                                 {"cursor", cursor}})
                   .ok());
  EXPECT_FALSE(ParseQuery(SpecOf(StreamKind::kThreats),
                          {{"createdAt__gte", "2026-01-01T00:00:00Z"}, {"cursor", cursor}})
                   .ok());
}

}  // namespace
}  // namespace s1c::sim
