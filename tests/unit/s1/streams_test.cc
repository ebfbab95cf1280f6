#include "s1c/s1/streams.h"

#include <gtest/gtest.h>

#include <set>

#include "json_scan.h"
#include "s1c/core/iso_time.h"

namespace s1c::s1 {
namespace {

// What every row must satisfy for the poller, the page parsers and the
// config to work with it; the rows' values themselves are the table's, not
// restated here.
TEST(StreamsTest, EveryRowIsUsable) {
  std::set<std::string_view> names;
  bool any_on_by_default = false;
  for (const StreamSpec& spec : AllStreams()) {
    SCOPED_TRACE(std::string(spec.name));
    // The name names the state file and a config key.
    ASSERT_FALSE(spec.name.empty());
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate name";
    EXPECT_EQ(spec.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string_view::npos);
    EXPECT_FALSE(spec.path.empty());
    EXPECT_NE(spec.path.front(), '/') << "the path is below the API prefix";
    EXPECT_EQ(spec.path.find('?'), std::string_view::npos);
    // The page parsers watch these pointers in every event.
    json_scan::Target key, time;
    EXPECT_TRUE(json_scan::ParsePointer(spec.key_pointer, &key)) << spec.key_pointer;
    EXPECT_TRUE(json_scan::ParsePointer(spec.time_pointer, &time)) << spec.time_pointer;
    EXPECT_FALSE(spec.sort_by.empty());
    EXPECT_FALSE(spec.filter_field.empty());
    // 401/403 messages and check-config name it.
    EXPECT_FALSE(spec.permission.empty());
    // Objects polled by their update time come in versions: each version is
    // its own event, so the key must hold the time.
    if (spec.time_pointer.ends_with("updatedAt")) {
      EXPECT_TRUE(spec.key_includes_time);
    }
    // Its own defaults, when it has them, must be usable ones.
    EXPECT_GE(spec.default_poll_interval_seconds, 0);
    if (!spec.default_start_from.empty()) {
      EXPECT_TRUE(ParseIsoTime(spec.default_start_from).ok()) << spec.default_start_from;
    }
    switch (spec.kind) {
      case StreamKind::kRest:
        EXPECT_EQ(KindName(spec.kind), "rest");
        EXPECT_TRUE(spec.connection.empty());
        EXPECT_TRUE(spec.graphql_query.empty());
        break;
      case StreamKind::kGraphql:
        EXPECT_EQ(KindName(spec.kind), "graphql");
        ASSERT_FALSE(spec.connection.empty());
        // The query asks for the connection with the variables the request sends.
        EXPECT_NE(spec.graphql_query.find(std::string(spec.connection) +
                                          "(first: $first, after: $after, filters: $filters, "
                                          "sort: $sort)"),
                  std::string_view::npos);
        break;
      default:
        ADD_FAILURE() << "unknown kind";
    }
    any_on_by_default = any_on_by_default || spec.enabled_by_default;
  }
  EXPECT_TRUE(any_on_by_default) << "a console with no streams set would collect nothing";
  EXPECT_GE(names.size(), 6u);
}

// The facts other parts of the program rely on by name.
TEST(StreamsTest, RowsOthersRelyOn) {
  EXPECT_EQ(FindStream("unified_alerts")->kind, StreamKind::kGraphql);
  EXPECT_NE(FindStream("alerts")->forbidden_hint.find("Custom Rules"), std::string_view::npos);
  for (const char* inventory : {"agents", "groups"}) {
    EXPECT_EQ(FindStream(inventory)->default_start_from, "1970-01-01T00:00:00Z") << inventory;
    EXPECT_EQ(FindStream(inventory)->default_poll_interval_seconds, 300) << inventory;
  }
  EXPECT_TRUE(FindStream("activities")->enabled_by_default);
  EXPECT_TRUE(FindStream("threats")->enabled_by_default);
}

// The built-in query selects every field docs/design.md section 3 names, and
// asks for the variables the request sends.
TEST(StreamsTest, UnifiedAlertsQuerySelectsTheWholeNode) {
  const std::string_view q = FindStream("unified_alerts")->graphql_query;
  for (std::string_view field :
       {"alerts(first: $first, after: $after, filters: $filters, sort: $sort)", "pageInfo",
        "hasNextPage", "endCursor", "edges", "node", "id", "name", "severity", "status",
        "analystVerdict", "classification", "detectedAt", "createdAt", "updatedAt", "firstSeenAt",
        "lastSeenAt", "detectionSource { product vendor }", "assets {", "process {",
        "realTime {", "scope {", "storylineId"}) {
    EXPECT_NE(q.find(field), std::string_view::npos) << field;
  }
}

TEST(StreamsTest, FindStreamByName) {
  ASSERT_NE(FindStream("threats"), nullptr);
  EXPECT_EQ(FindStream("threats")->path, "threats");
  EXPECT_EQ(FindStream("alerts"), &AllStreams()[2]);
  EXPECT_EQ(FindStream("nope"), nullptr);
  EXPECT_EQ(FindStream(""), nullptr);
  EXPECT_EQ(FindStream("Activities"), nullptr);
}

}  // namespace
}  // namespace s1c::s1
