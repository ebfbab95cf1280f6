#include "s1c/s1/streams.h"

#include <gtest/gtest.h>

namespace s1c::s1 {
namespace {

TEST(StreamsTest, TableMatchesDesign) {
  const auto& all = AllStreams();
  ASSERT_EQ(all.size(), 6u);

  const StreamSpec& a = all[0];
  EXPECT_EQ(a.name, "activities");
  EXPECT_EQ(a.path, "activities");
  EXPECT_EQ(a.time_pointer, "/createdAt");
  EXPECT_EQ(a.sort_by, "createdAt");
  EXPECT_EQ(a.filter_field, "createdAt");
  EXPECT_EQ(a.key_pointer, "/id");
  EXPECT_FALSE(a.key_includes_time);
  EXPECT_TRUE(a.enabled_by_default);
  EXPECT_EQ(a.permission, "Activity Page.view");

  const StreamSpec& t = all[1];
  EXPECT_EQ(t.name, "threats");
  EXPECT_EQ(t.path, "threats");
  EXPECT_EQ(t.time_pointer, "/threatInfo/updatedAt");
  EXPECT_EQ(t.sort_by, "updatedAt");
  EXPECT_EQ(t.filter_field, "updatedAt");
  EXPECT_EQ(t.key_pointer, "/id");
  EXPECT_TRUE(t.key_includes_time);
  EXPECT_TRUE(t.enabled_by_default);
  EXPECT_EQ(t.permission, "Threats.view");

  const StreamSpec& al = all[2];
  EXPECT_EQ(al.name, "alerts");
  EXPECT_EQ(al.path, "cloud-detection/alerts");
  EXPECT_EQ(al.time_pointer, "/alertInfo/updatedAt");
  EXPECT_EQ(al.sort_by, "alertInfoUpdatedAt");
  EXPECT_EQ(al.filter_field, "updatedAt");
  EXPECT_EQ(al.key_pointer, "/alertInfo/alertId");
  EXPECT_TRUE(al.key_includes_time);
  EXPECT_FALSE(al.enabled_by_default);
  EXPECT_EQ(al.permission, "Custom Alerts.view");
  EXPECT_NE(al.forbidden_hint.find("Custom Rules"), std::string_view::npos);
  for (const StreamSpec* rest : {&a, &t, &al}) {
    EXPECT_EQ(rest->kind, StreamKind::kRest) << rest->name;
    EXPECT_EQ(rest->default_poll_interval_seconds, 0) << rest->name;
    EXPECT_TRUE(rest->default_start_from.empty()) << rest->name;
  }

  const StreamSpec& u = all[3];
  EXPECT_EQ(u.name, "unified_alerts");
  EXPECT_EQ(u.kind, StreamKind::kGraphql);
  EXPECT_EQ(u.path, "unifiedalerts/graphql");
  EXPECT_EQ(u.time_pointer, "/updatedAt");
  EXPECT_EQ(u.sort_by, "updatedAt");
  EXPECT_EQ(u.filter_field, "updatedAt");
  EXPECT_EQ(u.key_pointer, "/id");
  EXPECT_TRUE(u.key_includes_time);
  EXPECT_FALSE(u.enabled_by_default);
  EXPECT_EQ(u.connection, "alerts");
  EXPECT_NE(u.permission.find("Unified Alert Management"), std::string_view::npos);

  for (size_t i : {4u, 5u}) {
    const StreamSpec& inv = all[i];
    EXPECT_EQ(inv.kind, StreamKind::kRest);
    EXPECT_EQ(inv.path, inv.name);
    EXPECT_EQ(inv.time_pointer, "/updatedAt");
    EXPECT_EQ(inv.sort_by, "updatedAt");
    EXPECT_EQ(inv.filter_field, "updatedAt");
    EXPECT_EQ(inv.key_pointer, "/id");
    EXPECT_TRUE(inv.key_includes_time);
    EXPECT_FALSE(inv.enabled_by_default);
    EXPECT_EQ(inv.default_poll_interval_seconds, 300);
    EXPECT_EQ(inv.default_start_from, "1970-01-01T00:00:00Z");
  }
  EXPECT_EQ(all[4].name, "agents");
  EXPECT_EQ(all[4].permission, "Endpoints.view");
  EXPECT_EQ(all[5].name, "groups");
  EXPECT_EQ(all[5].permission, "Groups.view");
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
