#include "s1c/config/options.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace s1c::config {
namespace {

// The cells of each row of docs/configuration.md's option tables, keyed by
// the first cell when it names one option ("`page_size`").
std::map<std::string, std::vector<std::string>> DocumentedOptions() {
  std::ifstream in(S1C_CONFIGURATION_DOC);
  EXPECT_TRUE(in) << "cannot read " << S1C_CONFIGURATION_DOC;
  std::map<std::string, std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("| `")) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(2));
    for (std::string cell; std::getline(row, cell, '|');) {
      const size_t first = cell.find_first_not_of(' ');
      const size_t last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    // The first row naming an option is its entry (a later one, such as the
    // stream table's reminder of inherited keys, only refers to it).
    rows.emplace(cells.front(), cells);
  }
  return rows;
}

TEST(OptionsTest, DocsListEveryOptionWithItsTypeDefaultAndLevels) {
  const auto documented = DocumentedOptions();
  for (const Option& o : Options()) {
    SCOPED_TRACE(o.DottedName());
    auto it = documented.find("`" + o.DottedName() + "`");
    if (it == documented.end() || it->second.size() < 5) {
      ADD_FAILURE() << "docs/configuration.md has no row for the option";
      continue;
    }
    const std::vector<std::string>& cells = it->second;
    EXPECT_EQ(cells[1], o.TypeName());
    EXPECT_TRUE(cells[2].starts_with(o.DocDefault()))
        << "documented default " << cells[2] << ", table default " << o.DocDefault();
    EXPECT_TRUE(cells[3].starts_with(LevelsText(o.levels)))
        << "documented where " << cells[3] << ", table " << LevelsText(o.levels);
  }
}

TEST(OptionsTest, EveryRowIsWellFormed) {
  std::set<std::string_view> keys;
  for (const Option& o : Options()) {
    SCOPED_TRACE(o.key);
    EXPECT_TRUE(keys.insert(o.key).second) << "a key has one row";
    EXPECT_NE(o.levels.bits, 0u);
    EXPECT_FALSE(o.help.empty());
    // A setting "defaults" may hold needs a default and somewhere to land.
    if (o.inherited()) {
      EXPECT_FALSE(o.default_json.empty());
      EXPECT_TRUE(o.console_field.index() != 0 || o.stream_field.index() != 0);
    }
    if (o.type == ValueType::kInteger || o.type == ValueType::kSeconds ||
        o.type == ValueType::kNumber) {
      EXPECT_LT(o.min, o.max);
    }
    if (o.type == ValueType::kEnum) {
      EXPECT_FALSE(o.choices.empty());
    }
    if (o.graphql_only) {
      EXPECT_TRUE(o.levels.Has(Where::kStream));
    }
  }
}

TEST(OptionsTest, FindsAnOptionOnlyWhereItIsAllowed) {
  ASSERT_NE(FindOption("page_size", Where::kStream), nullptr);
  EXPECT_EQ(FindOption("requests_per_second", Where::kStream), nullptr);
  EXPECT_EQ(FindOption("level", Where::kTop), nullptr);
  EXPECT_EQ(FindOption("level", Where::kLog)->DottedName(), "log.level");
  EXPECT_EQ(LevelsText(Where::kDefaults | Where::kConsole), "defaults, console");
}

}  // namespace
}  // namespace s1c::config
