#include "s1c/s1/page.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "s1c/core/iso_time.h"

namespace s1c::s1 {
namespace {

std::string ReadSample(const std::string& name) {
  std::ifstream in(std::string(S1C_SAMPLES_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const StreamSpec& Activities() { return *FindStream("activities"); }
const StreamSpec& Threats() { return *FindStream("threats"); }
const StreamSpec& Alerts() { return *FindStream("alerts"); }

// An activities page holding `elements` (raw JSON text, comma-joined).
std::string Page1(const std::string& elements) {
  return R"({"data":[)" + elements + R"(],"pagination":{"nextCursor":null,"totalItems":1}})";
}

std::string ErrorOf(const StreamSpec& spec, std::string_view body) {
  Result<Page> page = ParsePage(spec, std::string(body));
  EXPECT_FALSE(page.ok()) << "unexpectedly parsed: " << body.substr(0, 200);
  if (page.ok()) return "";
  EXPECT_EQ(page.status().code(), StatusCode::kCorrupt) << page.status().ToString();
  EXPECT_TRUE(page.status().IsRetryable());
  return page.status().message();
}

struct SampleCase {
  const char* file;
  const char* stream;
};

class SamplePageTest : public ::testing::TestWithParam<SampleCase> {};

TEST_P(SamplePageTest, ParsesEveryEventByteExact) {
  const StreamSpec& spec = *FindStream(GetParam().stream);
  const std::string body = ReadSample(GetParam().file);
  ASSERT_FALSE(body.empty());
  const nlohmann::json doc = nlohmann::json::parse(body);

  Result<Page> page = ParsePage(spec, body);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->events.size(), doc["data"].size());
  EXPECT_EQ(page->next_cursor, doc["pagination"]["nextCursor"].get<std::string>());
  EXPECT_EQ(page->total_items, doc["pagination"]["totalItems"].get<int64_t>());

  size_t search_from = 0;
  for (size_t i = 0; i < page->events.size(); ++i) {
    const RawEvent& e = page->events[i];
    const nlohmann::json& want = doc["data"][i];
    // Same value...
    EXPECT_EQ(nlohmann::json::parse(e.json), want) << "element " << i;
    // ...and the very bytes of the body, in order, from '{' to '}'.
    const size_t at = body.find(e.json, search_from);
    ASSERT_NE(at, std::string::npos) << "element " << i;
    search_from = at + e.json.size();
    EXPECT_EQ(e.json.front(), '{');
    EXPECT_EQ(e.json.back(), '}');

    const std::string time =
        want.at(nlohmann::json::json_pointer(std::string(spec.time_pointer))).get<std::string>();
    const std::string id =
        want.at(nlohmann::json::json_pointer(std::string(spec.key_pointer))).get<std::string>();
    EXPECT_EQ(e.time_text, time);
    EXPECT_EQ(e.time_us, *ParseIsoTime(time));
    EXPECT_EQ(e.key, spec.key_includes_time ? id + "@" + time : id);
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, SamplePageTest,
                         ::testing::Values(SampleCase{"activities-page.json", "activities"},
                                           SampleCase{"threats-page.json", "threats"},
                                           SampleCase{"alerts-page.json", "alerts"},
                                           SampleCase{"agents-page.json", "agents"},
                                           SampleCase{"groups-page.json", "groups"}),
                         [](const auto& info) { return std::string(info.param.stream); });

TEST(ParsePageTest, SampleKeysAndTimes) {
  Result<Page> a = ParsePage(Activities(), ReadSample("activities-page.json"));
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->events.size(), 3u);
  EXPECT_EQ(a->events[0].key, "1456081014700765184");
  EXPECT_EQ(a->events[0].time_text, "2026-01-01T00:26:06.581343Z");
  EXPECT_EQ(a->events[0].time_us, 1767227166581343);

  Result<Page> t = ParsePage(Threats(), ReadSample("threats-page.json"));
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->events.size(), 2u);
  // Two versions of one threat are two distinct events.
  EXPECT_EQ(t->events[0].key, "1456198914547777536@2026-01-01T08:14:36.461243Z");
  EXPECT_EQ(t->events[1].key, "1456198914547777536@2026-01-01T11:00:14.035777Z");

  Result<Page> al = ParsePage(Alerts(), ReadSample("alerts-page.json"));
  ASSERT_TRUE(al.ok());
  ASSERT_EQ(al->events.size(), 1u);
  EXPECT_EQ(al->events[0].key, "1456266875895681024@2026-01-01T12:44:39.343321Z");
  EXPECT_EQ(al->events[0].time_text, "2026-01-01T12:44:39.343321Z");
}

TEST(ParsePageTest, KeepsBigIntegersAndNumberTextExact) {
  const std::string element =
      R"({"id":"1","createdAt":"2026-01-01T00:00:00Z","ruleId":18446744073709551617123,)"
      R"("alertId":9007199254740993,"f":1.10E+3,"neg":-0.0})";
  Result<Page> page = ParsePage(Activities(), Page1(element));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].json, element);
}

TEST(ParsePageTest, KeepsWhitespaceAndEscapesInsideEvents) {
  const std::string element =
      "{ \"id\" : \"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\" "
      ",\n\t\"createdAt\":\"2026-01-01T00:00:00\\u002e5Z\","
      "\"msg\":\"l\\u00e0\\n\\/x\", \"raw\":\"caf\xc3\xa9\" }";
  Result<Page> page = ParsePage(Activities(), Page1(element));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->events.size(), 1u);
  const RawEvent& e = page->events[0];
  EXPECT_EQ(e.json, element);
  EXPECT_EQ(e.key, "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(e.time_text, "2026-01-01T00:00:00.5Z");
  EXPECT_EQ(e.time_us, 1767225600500000);
}

TEST(ParsePageTest, EventsStayValidWhenThePageIsMovedOrCopied) {
  // Events view the page's own bytes: the body, and the keys built from an
  // id and a time or unescaped. Those views must outlive the parse and the
  // Page object they came in (the poller moves pages; copies share bytes).
  std::string body = ReadSample("threats-page.json");
  Result<Page> parsed = ParsePage(Threats(), body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  std::optional<Page> original = std::move(parsed).value();
  const std::string first_json(original->events[0].json);
  const std::string first_key(original->events[0].key);
  body.assign(body.size(), 'x');  // The caller's string is not what the events view.

  Page copy = *original;
  Page moved = std::move(*original);
  original.reset();
  EXPECT_EQ(moved.events[0].json, first_json);
  EXPECT_EQ(moved.events[0].key, first_key);
  EXPECT_EQ(copy.events[0].key, first_key);
  EXPECT_EQ(copy.events[0].json.data(), moved.events[0].json.data());
  EXPECT_EQ(first_key, "1456198914547777536@2026-01-01T08:14:36.461243Z");

  // Keeping more strings never moves the ones kept before.
  const std::string_view kept = copy.Keep("short");
  for (int i = 0; i < 1000; ++i) copy.Keep(std::string(40, 'k'));
  EXPECT_EQ(kept, "short");
  EXPECT_EQ(moved.events[0].key, first_key);
}

TEST(ParsePageTest, AcceptsNumericIdsAsText) {
  Result<Page> page = ParsePage(
      Activities(), Page1(R"({"id":1456081014700765184123,"createdAt":"2026-01-01T00:00:00Z"})"));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->events[0].key, "1456081014700765184123");
}

TEST(ParsePageTest, EscapedMemberNamesAndDuplicates) {
  // "\u0069d" is "id". With duplicate names the first wins.
  Result<Page> page = ParsePage(
      Activities(),
      Page1(
          R"({"\u0069d":"first","id":"second","createdAt":"2026-01-01T00:00:00Z","createdAt":"x"})"));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->events[0].key, "first");
  EXPECT_EQ(page->events[0].time_text, "2026-01-01T00:00:00Z");

  // A duplicate top-level "data" or "pagination" is validated and ignored.
  page = ParsePage(Activities(),
                   R"({"data":[],"pagination":{"nextCursor":"c1"},"data":[1],"pagination":5})");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->events.empty());
  EXPECT_EQ(page->next_cursor, "c1");
}

TEST(ParsePageTest, NestedKeyAndTimePointers) {
  const std::string element =
      R"({"alertInfo":{"createdAt":"2026-01-01T00:00:00Z","alertId":"42",)"
      R"("updatedAt":"2026-01-02T00:00:00.000001+00:00"},"updatedAt":"2000-01-01T00:00:00Z"})";
  Result<Page> page = ParsePage(Alerts(), Page1(element));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->events[0].key, "42@2026-01-02T00:00:00.000001+00:00");
  EXPECT_EQ(page->events[0].time_us, 1767312000000001);
}

TEST(ParsePageTest, EmptyDataAndPaginationVariants) {
  Result<Page> page =
      ParsePage(Activities(), R"({"data":[],"pagination":{"nextCursor":null,"totalItems":0}})");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->events.empty());
  EXPECT_FALSE(page->next_cursor.has_value());
  EXPECT_EQ(page->total_items, 0);

  page = ParsePage(Activities(), " \n{ \"data\" : [ ] }\n ");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_FALSE(page->next_cursor.has_value());
  EXPECT_FALSE(page->total_items.has_value());

  page = ParsePage(Activities(), R"({"pagination":null,"data":[]})");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_FALSE(page->next_cursor.has_value());

  page = ParsePage(Activities(),
                   R"({"data":[],"pagination":{"nextCursor":"YWJj\/ZA==","totalItems":"many"}})");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->next_cursor, "YWJj/ZA==");
  EXPECT_FALSE(page->total_items.has_value());

  page = ParsePage(Activities(), R"({"data":[],"pagination":{"nextCursor":""}})");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_FALSE(page->next_cursor.has_value());

  EXPECT_NE(
      ErrorOf(Activities(), R"({"data":[],"pagination":{"nextCursor":12}})").find("nextCursor"),
      std::string::npos);
  EXPECT_NE(ErrorOf(Activities(), R"({"data":[],"pagination":[]})").find("pagination"),
            std::string::npos);
}

TEST(ParsePageTest, HtmlRateLimitPageIsClearlyNotJson) {
  const std::string html =
      "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n"
      "<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n"
      "</body>\r\n</html>\r\n";
  const std::string message = ErrorOf(Activities(), html);
  EXPECT_NE(message.find("not JSON"), std::string::npos) << message;
  EXPECT_NE(message.find("HTML"), std::string::npos) << message;
  EXPECT_NE(message.find("429 Too Many Requests"), std::string::npos) << message;
  EXPECT_EQ(message.find('\r'), std::string::npos);
}

TEST(ParsePageTest, ExcerptIsShort) {
  const std::string message = ErrorOf(Activities(), "x" + std::string(100000, 'y'));
  EXPECT_LT(message.size(), 400u);
}

TEST(ParsePageTest, EveryTruncationOfEverySampleIsAnError) {
  for (const char* file : {"activities-page.json", "threats-page.json", "alerts-page.json",
                           "agents-page.json", "groups-page.json"}) {
    const std::string body = ReadSample(file);
    const size_t last_brace = body.rfind('}');
    ASSERT_NE(last_brace, std::string::npos);
    const StreamSpec& spec =
        *FindStream(std::string_view(file).substr(0, std::string_view(file).find('-')));
    for (size_t n = 0; n <= last_brace; ++n) {
      const std::string prefix = body.substr(0, n);
      Result<Page> page = ParsePage(spec, prefix);
      ASSERT_FALSE(page.ok()) << file << " prefix " << n;
      ASSERT_EQ(page.status().code(), StatusCode::kCorrupt);
      if (n > 0) {
        ASSERT_NE(page.status().message().find("truncated"), std::string::npos)
            << file << " prefix " << n << ": " << page.status().message();
      }
    }
    EXPECT_TRUE(ParsePage(spec, body.substr(0, last_brace + 1)).ok());
  }
}

TEST(ParsePageTest, SingleByteMutationsAgreeWithNlohmannAndNeverCrash) {
  // A poor man's fuzzer: whatever ParsePage accepts must be valid JSON.
  const std::string body = ReadSample("alerts-page.json");
  const char replacements[] = {'"', '\\', '{', '}',  '[',    ']', ',',
                               ':', '0',  'x', '\0', '\x80', ' '};
  for (size_t i = 0; i < body.size(); ++i) {
    for (char r : replacements) {
      std::string mutated = body;
      mutated[i] = r;
      Result<Page> page = ParsePage(Alerts(), mutated);
      if (page.ok()) {
        ASSERT_TRUE(nlohmann::json::accept(mutated)) << "accepted invalid JSON at " << i;
      } else {
        ASSERT_EQ(page.status().code(), StatusCode::kCorrupt);
      }
    }
  }
}

TEST(ParsePageTest, StructuralErrors) {
  std::string m = ErrorOf(Activities(), "");
  EXPECT_NE(m.find("empty"), std::string::npos) << m;
  m = ErrorOf(Activities(), "   \n");
  EXPECT_NE(m.find("empty"), std::string::npos) << m;
  m = ErrorOf(Activities(), R"([{"id":"1"}])");
  EXPECT_NE(m.find("array"), std::string::npos) << m;
  m = ErrorOf(Activities(), R"({"pagination":{"nextCursor":null}})");
  EXPECT_NE(m.find("no \"data\""), std::string::npos) << m;
  m = ErrorOf(Activities(), R"({"data":{"id":"1"}})");
  EXPECT_NE(m.find("\"data\" = object, not an array"), std::string::npos) << m;
  m = ErrorOf(Activities(), R"({"data":null})");
  EXPECT_NE(m.find("not an array"), std::string::npos) << m;
  m = ErrorOf(Activities(), R"({"data":[{"id":"1","createdAt":"2026-01-01T00:00:00Z"},"x"]})");
  EXPECT_NE(m.find("element 1 of \"data\" is string, not an object"), std::string::npos) << m;
  m = ErrorOf(Activities(), R"({"data":[] } {})");
  EXPECT_NE(m.find("trailing data"), std::string::npos) << m;
  m = ErrorOf(Activities(), R"({"data":[]}x)");
  EXPECT_NE(m.find("trailing data"), std::string::npos) << m;
  m = ErrorOf(Activities(), R"({"data":[],})");
  EXPECT_NE(m.find("not valid JSON"), std::string::npos) << m;
  m = ErrorOf(Activities(), "{\"data\":[],\"x\":\"caf\xff\"}");
  EXPECT_NE(m.find("UTF-8"), std::string::npos) << m;
  m = ErrorOf(Activities(), "{\"data\":[],\"x\":\"a\nb\"}");
  EXPECT_NE(m.find("control character"), std::string::npos) << m;
}

TEST(ParsePageTest, ElementErrorsNameTheElementAndField) {
  const std::string ok = R"({"id":"1","createdAt":"2026-01-01T00:00:00Z"})";
  std::string m = ErrorOf(Activities(), Page1(ok + R"(,{"createdAt":"2026-01-01T00:00:00Z"})"));
  EXPECT_NE(m.find("element 1 of \"data\" has no /id"), std::string::npos) << m;
  m = ErrorOf(Activities(), Page1(R"({"id":"1"})"));
  EXPECT_NE(m.find("element 0 of \"data\" has no /createdAt"), std::string::npos) << m;
  m = ErrorOf(Activities(), Page1(R"({"id":null,"createdAt":"2026-01-01T00:00:00Z"})"));
  EXPECT_NE(m.find("/id = null, not a string"), std::string::npos) << m;
  m = ErrorOf(Activities(), Page1(R"({"id":"","createdAt":"2026-01-01T00:00:00Z"})"));
  EXPECT_NE(m.find("empty /id"), std::string::npos) << m;
  m = ErrorOf(Activities(), Page1(R"({"id":"1","createdAt":1767225600})"));
  EXPECT_NE(m.find("/createdAt = number, not a string"), std::string::npos) << m;
  m = ErrorOf(Activities(), Page1(R"({"id":"1","createdAt":"yesterday"})"));
  EXPECT_NE(m.find("bad /createdAt"), std::string::npos) << m;
  EXPECT_NE(m.find("yesterday"), std::string::npos) << m;
  m = ErrorOf(Activities(), Page1(R"({"id":"1","createdAt":"2026-01-01T00:00:00"})"));
  EXPECT_NE(m.find("bad /createdAt"), std::string::npos) << m;
  // Threats have their time under threatInfo, not at the top.
  m = ErrorOf(Threats(), Page1(R"({"id":"1","createdAt":"2026-01-01T00:00:00Z"})"));
  EXPECT_NE(m.find("has no /threatInfo/updatedAt"), std::string::npos) << m;
  m = ErrorOf(Alerts(), Page1(R"({"alertInfo":"x"})"));
  EXPECT_NE(m.find("has no /alertInfo/alertId"), std::string::npos) << m;
}

TEST(ParsePageTest, DeepNesting) {
  // Body, data and element hold three levels; 125 more reach the limit of 128.
  const auto element = [](int extra) {
    return R"({"id":"1","createdAt":"2026-01-01T00:00:00Z","x":)" + std::string(extra, '[') +
           std::string(extra, ']') + "}";
  };
  EXPECT_TRUE(ParsePage(Activities(), Page1(element(125))).ok());
  std::string m = ErrorOf(Activities(), Page1(element(126)));
  EXPECT_NE(m.find("nesting too deep"), std::string::npos) << m;
  m = ErrorOf(Activities(), R"({"data":[{"x":)" + std::string(500000, '['));
  EXPECT_NE(m.find("nesting too deep"), std::string::npos) << m;
}

TEST(ParsePageTest, ManyEvents) {
  std::string elements;
  for (int i = 0; i < 5000; ++i) {
    if (i) elements += ",";
    elements += R"({"id":")" + std::to_string(i) + R"(","createdAt":"2026-01-01T00:00:00.)" +
                std::to_string(100000 + i) + R"(Z","n":)" + std::to_string(i) + "}";
  }
  Result<Page> page = ParsePage(Activities(), Page1(elements));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->events.size(), 5000u);
  EXPECT_EQ(page->events[4999].key, "4999");
  EXPECT_EQ(page->events[4999].time_us, 1767225600000000 + 104999);
}

}  // namespace
}  // namespace s1c::s1
