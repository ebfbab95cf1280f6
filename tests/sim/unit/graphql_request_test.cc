#include "simulator/graphql_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "simulator/cursor.h"
#include "simulator/graphql_schema.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

const StreamSpec& Uam() { return SpecOf(StreamKind::kUnifiedAlerts); }

constexpr char kQuery[] =
    "query AlertsPage($first: Int, $after: String, $filters: [FilterInput], $sort: SortInput) {\n"
    "  alerts(first: $first, after: $after, filters: $filters, sort: $sort) {\n"
    "    totalCount pageInfo { hasNextPage endCursor }\n"
    "    edges { cursor node { id updatedAt detectionSource { product vendor } } }\n"
    "  }\n"
    "}\n";

std::string Body(const json& variables) {
  return json({{"query", kQuery}, {"variables", variables}}).dump();
}

Query ParseOk(const json& variables) {
  auto q = ParseGraphqlRequest(Uam(), Body(variables), {});
  EXPECT_TRUE(q.has_value()) << (q ? "" : q.error().front().message);
  return q.value_or(Query{});
}

// The single error of a request that must fail.
GraphqlError ParseError(std::string_view body, const std::vector<std::string>& missing = {}) {
  auto q = ParseGraphqlRequest(Uam(), body, missing);
  EXPECT_FALSE(q.has_value()) << body;
  if (q.has_value() || q.error().size() != 1) {
    ADD_FAILURE() << "expected exactly one error";
    return {};
  }
  return q.error().front();
}

TEST(GraphqlRequestTest, DefaultsWithoutVariables) {
  const Query q = ParseOk(json::object());
  EXPECT_EQ(q.limit, 10);
  EXPECT_EQ(q.sort_field, TimeField::kUpdated);
  EXPECT_FALSE(q.descending);
  EXPECT_TRUE(q.bounds.empty());
  EXPECT_FALSE(q.products);
  EXPECT_FALSE(q.after);
  // No "variables" at all, or null, is the same.
  auto bare = ParseGraphqlRequest(Uam(), json({{"query", kQuery}}).dump(), {});
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->filter_hash, q.filter_hash);
  auto null_vars =
      ParseGraphqlRequest(Uam(), json({{"query", kQuery}, {"variables", nullptr}}).dump(), {});
  ASSERT_TRUE(null_vars.has_value());
}

TEST(GraphqlRequestTest, ReadsFirstSortAndTimeRanges) {
  const Query q =
      ParseOk({{"first", 250},
               {"after", nullptr},
               {"sort", {{"by", "createdAt"}, {"order", "DESC"}}},
               {"filters",
                {{{"fieldId", "updatedAt"},
                  {"dateTimeRange", {{"start", 1767225600000}, {"end", 1767229200000}}}},
                 {{"fieldId", "createdAt"},
                  {"dateTimeRange",
                   {{"start", 1767225600123},
                    {"startInclusive", false},
                    {"end", 1767229200456},
                    {"endInclusive", true}}}}}}});
  EXPECT_EQ(q.limit, 250);
  EXPECT_EQ(q.sort_field, TimeField::kCreated);
  EXPECT_TRUE(q.descending);
  ASSERT_EQ(q.bounds.size(), 4u);
  // Milliseconds become microseconds; start is inclusive and end exclusive by default.
  EXPECT_EQ(q.bounds[0].field, TimeField::kUpdated);
  EXPECT_EQ(q.bounds[0].op, BoundOp::kGte);
  EXPECT_EQ(q.bounds[0].micros, 1767225600000000);
  EXPECT_EQ(q.bounds[1].op, BoundOp::kLt);
  EXPECT_EQ(q.bounds[1].micros, 1767229200000000);
  EXPECT_EQ(q.bounds[2].field, TimeField::kCreated);
  EXPECT_EQ(q.bounds[2].op, BoundOp::kGt);
  EXPECT_EQ(q.bounds[2].micros, 1767225600123000);
  EXPECT_EQ(q.bounds[3].op, BoundOp::kLte);
  EXPECT_EQ(q.bounds[3].micros, 1767229200456000);
}

TEST(GraphqlRequestTest, OpenEndedRangesAndNullsMeanNotGiven) {
  const Query q = ParseOk({{"first", 5},
                           {"filters",
                            {{{"fieldId", "updatedAt"},
                              {"dateTimeRange", {{"start", 1767225600000}, {"end", nullptr}}}}}},
                           {"sort", {{"by", nullptr}, {"order", "ASC"}}}});
  ASSERT_EQ(q.bounds.size(), 1u);
  EXPECT_EQ(q.bounds[0].op, BoundOp::kGte);
  EXPECT_EQ(q.sort_field, TimeField::kUpdated);
}

TEST(GraphqlRequestTest, DetectionProductFilters) {
  auto products = [](const json& filters) {
    const Query q = ParseOk({{"filters", filters}});
    return q.products.value_or(std::vector<std::string>{"<any>"});
  };
  const json identity = {{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "Identity"}}}};
  const json edr_identity = {{"fieldId", "detectionProduct"},
                             {"stringIn", {{"values", {"Identity", "EDR", "EDR"}}}}};
  const json cloud = {{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "Cloud"}}}};
  EXPECT_EQ(products(json::array({identity})), std::vector<std::string>{"Identity"});
  EXPECT_EQ(products(json::array({edr_identity})), (std::vector<std::string>{"EDR", "Identity"}));
  // Every filter must hold: two product filters intersect, possibly to nothing.
  EXPECT_EQ(products(json::array({edr_identity, identity})), std::vector<std::string>{"Identity"});
  EXPECT_EQ(products(json::array({identity, cloud})), std::vector<std::string>{});
  EXPECT_EQ(products(json::array()), std::vector<std::string>{"<any>"});
}

TEST(GraphqlRequestTest, AnEdgeCursorResumesAfterItsRow) {
  const json vars = {
      {"first", 3},
      {"filters", {{{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "EDR"}}}}}}};
  const Query first_page = ParseOk(vars);
  const SortKey key{1767225600123000, 0x019b78a117d372a2ull, 1767225600123000};
  json next = vars;
  next["after"] = EncodeCursor(Cursor{key, first_page.filter_hash});
  next["first"] = 7;  // Another page size is fine.
  const Query second_page = ParseOk(next);
  ASSERT_TRUE(second_page.after);
  EXPECT_EQ(*second_page.after, key);
  EXPECT_EQ(second_page.limit, 7);
}

TEST(GraphqlRequestTest, ACursorReplayedWithOtherFiltersOrSortIsBadUserInput) {
  const json vars = {
      {"filters", {{{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "EDR"}}}}}}};
  const std::string cursor = EncodeCursor(Cursor{{1, 2, 3}, ParseOk(vars).filter_hash});
  for (const json& other :
       {json{{"after", cursor}},
        json{
            {"after", cursor},
            {"filters", {{{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", "STAR"}}}}}}},
        json{{"after", cursor}, {"filters", vars["filters"]}, {"sort", {{"order", "DESC"}}}}}) {
    const GraphqlError e = ParseError(Body(other));
    EXPECT_EQ(e.code, "BAD_USER_INPUT") << other;
    EXPECT_NE(e.message.find("Variable \"$after\""), std::string::npos) << e.message;
  }
  // The same REST stream cursor shape from another stream is refused too.
  const std::string rest =
      EncodeCursor(Cursor{{1, 2, 3}, FilterHashOf(SpecOf(StreamKind::kAlerts), Query{})});
  EXPECT_EQ(ParseError(Body({{"after", rest}})).code, "BAD_USER_INPUT");
}

struct BadVariables {
  const char* name;
  json variables;
  const char* message_part;
};

class GraphqlBadVariablesTest : public ::testing::TestWithParam<BadVariables> {};

TEST_P(GraphqlBadVariablesTest, IsBadUserInputNamingTheVariable) {
  const GraphqlError e = ParseError(Body(GetParam().variables));
  EXPECT_EQ(e.code, "BAD_USER_INPUT");
  EXPECT_FALSE(e.location);
  EXPECT_NE(e.message.find(GetParam().message_part), std::string::npos) << e.message;
}

json Range(const json& range) {
  return {{"filters", {{{"fieldId", "updatedAt"}, {"dateTimeRange", range}}}}};
}
json Product(const json& filter) {
  json f = filter;
  f["fieldId"] = "detectionProduct";
  return {{"filters", json::array({f})}};
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GraphqlBadVariablesTest,
    ::testing::Values(
        BadVariables{"FirstZero", {{"first", 0}}, "Variable \"$first\" got invalid value 0;"},
        BadVariables{"FirstTooBig", {{"first", 1001}}, "between 1 and 1000"},
        BadVariables{"FirstString", {{"first", "10"}}, "$first"},
        BadVariables{"FirstFraction", {{"first", 1.5}}, "$first"},
        BadVariables{"AfterGarbage", {{"after", "!!!"}}, "Invalid cursor"},
        BadVariables{"AfterNumber", {{"after", 5}}, "$after"},
        BadVariables{"SortNotObject", {{"sort", "updatedAt"}}, "$sort"},
        BadVariables{"SortByUnknown", {{"sort", {{"by", "severity"}}}}, "at \"sort.by\""},
        BadVariables{"SortOrderLowerCase", {{"sort", {{"order", "asc"}}}}, "ASC, DESC"},
        BadVariables{"SortExtraKey", {{"sort", {{"field", "updatedAt"}}}}, "\"field\""},
        BadVariables{
            "FiltersNotList", {{"filters", {{"fieldId", "updatedAt"}}}}, "Expected a list"},
        BadVariables{"FilterWithoutFieldId", {{"filters", {{{"dateTimeRange", {}}}}}}, "fieldId"},
        BadVariables{
            "UnknownFieldId",
            {{"filters", {{{"fieldId", "severity"}, {"stringEqual", {{"value", "HIGH"}}}}}}},
            "at \"filters[0].fieldId\""},
        BadVariables{"RangeMissing", {{"filters", {{{"fieldId", "createdAt"}}}}}, "dateTimeRange"},
        BadVariables{"RangeStartIsoText", Range({{"start", "2026-01-01T00:00:00Z"}}),
                     "epoch milliseconds"},
        BadVariables{"RangeStartFraction", Range({{"start", 1767225600000.5}}),
                     "filters[0].dateTimeRange.start"},
        BadVariables{"RangeStartOverflows", Range({{"start", 9223372036854775807LL}}),
                     "epoch milliseconds"},
        BadVariables{"RangeInclusiveNotBool", Range({{"start", 1}, {"startInclusive", "yes"}}),
                     "Expected a boolean"},
        BadVariables{"RangeExtraKey", Range({{"from", 1}}), "\"from\""},
        BadVariables{"ProductWithoutOperator", Product(json::object()), "stringEqual, stringIn"},
        BadVariables{
            "ProductBothOperators",
            Product({{"stringEqual", {{"value", "EDR"}}}, {"stringIn", {{"values", {"EDR"}}}}}),
            "stringEqual, stringIn"},
        BadVariables{"ProductValueNotString", Product({{"stringEqual", {{"value", 5}}}}),
                     "stringEqual"},
        BadVariables{"ProductValuesNotList", Product({{"stringIn", {{"values", "EDR"}}}}),
                     "stringIn"},
        BadVariables{"ProductRangeOperator", Product({{"dateTimeRange", {{"start", 1}}}}),
                     "\"dateTimeRange\""}),
    [](const ::testing::TestParamInfo<BadVariables>& info) { return info.param.name; });

TEST(GraphqlRequestTest, BodyErrors) {
  EXPECT_EQ(ParseError("not json").code, "GRAPHQL_PARSE_FAILED");
  EXPECT_EQ(ParseError("").code, "GRAPHQL_PARSE_FAILED");
  for (const json& body : {json::array(), json::object(), json{{"query", ""}}, json{{"query", 5}},
                           json{{"variables", {{"first", 1}}}}}) {
    const GraphqlError e = ParseError(body.dump());
    EXPECT_EQ(e.code, "BAD_USER_INPUT") << body;
    EXPECT_NE(e.message.find("query"), std::string::npos) << e.message;
  }
  const GraphqlError vars = ParseError(json({{"query", kQuery}, {"variables", {1, 2}}}).dump());
  EXPECT_EQ(vars.code, "BAD_USER_INPUT");
  EXPECT_NE(vars.message.find("Variables must be provided as an Object"), std::string::npos);
}

TEST(GraphqlRequestTest, TheQueryIsValidatedBeforeTheVariables) {
  // A schema error wins over bad variables, as a real server validates the document first.
  const std::string body = json({{"query", kQuery}, {"variables", {{"first", 0}}}}).dump();
  const GraphqlError e = ParseError(body, {"detectionSource"});
  EXPECT_EQ(e.code, "GRAPHQL_VALIDATION_FAILED");
}

TEST(GraphqlSchemaTest, AMissingFieldFailsValidationWhereItIsUsed) {
  const std::string query =
      "query Q {\n"
      "  alerts(first: 2) {\n"
      "    edges { node { id\n"
      "            dataSources name } }\n"
      "  }\n"
      "}";
  const auto errors = ValidateAlertsQuery(query, {"dataSources"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Cannot query field \"dataSources\" on type \"Alert\".");
  EXPECT_EQ(errors[0].code, "GRAPHQL_VALIDATION_FAILED");
  ASSERT_TRUE(errors[0].location);
  EXPECT_EQ(*errors[0].location, (SourceLocation{4, 13}));
  EXPECT_TRUE(ValidateAlertsQuery(query, {}).empty());
  // Every use is reported, in text order.
  EXPECT_EQ(ValidateAlertsQuery(query, {"name", "id"}).size(), 2u);
}

TEST(GraphqlSchemaTest, MissingFieldsMatchWholeFieldNamesOnly) {
  const std::string query =
      "query Q($source: String) { # source in a comment\n"
      "  alerts(filter: \"source\") { edges { node { detectionSource { product } sources } } }\n"
      "}";
  EXPECT_TRUE(ValidateAlertsQuery(query, {"source"}).empty());
  EXPECT_TRUE(ValidateAlertsQuery(query, {"Q", "String"}).empty())
      << "names before the first { are not fields";
  EXPECT_EQ(ValidateAlertsQuery(query, {"sources"}).size(), 1u);
  // CRLF line ends count once.
  const auto crlf = ValidateAlertsQuery("{\r\n alerts {\r\n  storylineId } }", {"storylineId"});
  ASSERT_EQ(crlf.size(), 1u);
  EXPECT_EQ(*crlf[0].location, (SourceLocation{3, 3}));
}

TEST(GraphqlSchemaTest, AQueryWithoutAlertsFailsValidation) {
  const auto errors = ValidateAlertsQuery("{ threats { id } }", {});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Cannot query field \"threats\" on type \"Query\".");
  EXPECT_EQ(errors[0].code, "GRAPHQL_VALIDATION_FAILED");
  EXPECT_EQ(*errors[0].location, (SourceLocation{1, 3}));
  // "$alerts" is a variable, not the field.
  EXPECT_EQ(ValidateAlertsQuery("query($alerts: Int) { threats }", {}).size(), 1u);
}

TEST(GraphqlSchemaTest, TextWithoutASelectionIsAParseError) {
  for (const char* text : {"alerts", "query Q", "{ }"}) {
    const auto errors = ValidateAlertsQuery(text, {});
    ASSERT_EQ(errors.size(), 1u) << text;
    EXPECT_EQ(errors[0].code, "GRAPHQL_PARSE_FAILED") << text;
  }
}

TEST(GraphqlErrorTest, RendersTheConsoleShape) {
  EXPECT_EQ(
      RenderGraphqlErrors({{"Cannot query field \"dataSources\" on type \"Alert\".",
                            "GRAPHQL_VALIDATION_FAILED", SourceLocation{42, 13}}}),
      R"({"errors":[{"message":"Cannot query field \"dataSources\" on type \"Alert\".",)"
      R"("locations":[{"line":42,"column":13}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}],)"
      R"("data":null})");
  EXPECT_EQ(RenderGraphqlErrors({{"x", "BAD_USER_INPUT", std::nullopt}}),
            R"({"errors":[{"message":"x","extensions":{"code":"BAD_USER_INPUT"}}],"data":null})");
  EXPECT_TRUE(json::accept(kGraphqlInternalErrorBody));
}

}  // namespace
}  // namespace s1c::sim
