#include "s1c/s1/streams.h"

#include <gtest/gtest.h>

namespace s1c::s1 {
namespace {

TEST(StreamsTest, TableMatchesDesign) {
  const auto& all = AllStreams();
  ASSERT_EQ(all.size(), 3u);

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
