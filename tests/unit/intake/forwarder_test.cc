#include "s1c/intake/forwarder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fake_clock.h"
#include "fake_transport.h"
#include "test_dir.h"

namespace s1c::intake {
namespace {

using ::s1c::testing::FakeClock;
using ::s1c::testing::FakeTransport;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "KEY-0123456789";

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);  // gzip wrapper only.
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << rc;
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(zs.avail_in, 0u) << "trailing bytes after the gzip stream";
  inflateEnd(&zs);
  return out;
}

const std::string* FindHeader(const http::Request& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

// The JSON text of a request body, gunzipped when the request says so.
std::string BodyJson(const http::Request& r) {
  const std::string* ce = FindHeader(r, "Content-Encoding");
  return ce != nullptr && *ce == "gzip" ? Gunzip(r.body) : r.body;
}

// The jsons[] strings of a request body (and checks the body's shape).
std::vector<std::string> Jsons(const http::Request& r) {
  const nlohmann::json body = nlohmann::json::parse(BodyJson(r));
  EXPECT_TRUE(body.is_object());
  EXPECT_EQ(body.size(), 2u);
  EXPECT_EQ(body.at("intake_key"), kKey);
  std::vector<std::string> out;
  for (const auto& s : body.at("jsons")) out.push_back(s.get<std::string>());
  return out;
}

ForwarderOptions DefaultOptions() {
  ForwarderOptions o;
  o.console = "eu-prod";
  o.intake_url = "https://intake.example";
  o.user_agent = "s1-collector/0.1.0";
  o.timeout = std::chrono::milliseconds(12345);
  return o;
}

// Events owned by the test, viewed as EventRefs.
class Events {
 public:
  Events(std::initializer_list<std::string> jsons) {
    for (const auto& j : jsons) Add(j);
  }
  void Add(std::string json) {
    jsons_.push_back(std::move(json));
    keys_.push_back("key-" + std::to_string(jsons_.size() - 1));
  }
  std::vector<EventRef> refs() const {
    std::vector<EventRef> out;
    for (size_t i = 0; i < jsons_.size(); ++i) out.push_back({jsons_[i], keys_[i]});
    return out;
  }
  const std::vector<std::string>& jsons() const { return jsons_; }

 private:
  std::vector<std::string> jsons_;
  std::vector<std::string> keys_;
};

class ForwarderTest : public ::testing::Test {
 protected:
  ForwarderTest() : dead_letter_(dir_.path() / "state" / "dead-letter.ndjson") {}

  Forwarder Make(ForwarderOptions options = DefaultOptions()) {
    return Forwarder(
        transport_, clock_, std::move(options),
        [this]() -> Result<std::string> {
          ++key_reads_;
          return std::string(kKey);
        },
        dead_letter_);
  }

  Delivery Deliver(Forwarder& f, const Events& events, std::string_view stream = "threats") {
    const auto refs = events.refs();
    return f.Deliver(stream, refs);
  }

  std::vector<std::string> ReadDeadLetterLines() const {
    std::ifstream in(dead_letter_.path());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  TestDir dir_;
  FakeTransport transport_;
  FakeClock clock_;
  DeadLetter dead_letter_;
  int key_reads_ = 0;
};

TEST_F(ForwarderTest, EmptyInputIsDeliveredWithoutARequest) {
  auto f = Make();
  const Delivery d = f.Deliver("activities", {});
  EXPECT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 0u);
  EXPECT_TRUE(d.error.ok());
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ForwarderTest, PostsToBatchWithHeaders) {
  transport_.Push(200, R"({"event_ids":["a"]})");
  auto f = Make();
  const Delivery d = Deliver(f, {R"({"id":"1"})"});
  EXPECT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 1u);
  EXPECT_EQ(d.http_status, 200);
  ASSERT_EQ(transport_.requests().size(), 1u);
  const auto requests = transport_.requests();
  const http::Request& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://intake.example/batch");
  EXPECT_EQ(r.timeout, std::chrono::milliseconds(12345));
  ASSERT_NE(FindHeader(r, "Content-Type"), nullptr);
  EXPECT_EQ(*FindHeader(r, "Content-Type"), "application/json");
  ASSERT_NE(FindHeader(r, "Content-Encoding"), nullptr);
  EXPECT_EQ(*FindHeader(r, "Content-Encoding"), "gzip");
  ASSERT_NE(FindHeader(r, "User-Agent"), nullptr);
  EXPECT_EQ(*FindHeader(r, "User-Agent"), "s1-collector/0.1.0");
  // gzip magic, and the key never travels in a header.
  ASSERT_GE(r.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(r.body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(r.body[1]), 0x8b);
  for (const auto& h : r.headers) EXPECT_THAT(h.value, Not(HasSubstr(kKey)));
}

TEST_F(ForwarderTest, TrailingSlashInIntakeUrlIsNotDoubled) {
  transport_.Push(200, "{}");
  ForwarderOptions o = DefaultOptions();
  o.intake_url = "https://intake.eu2.sekoia.io/api/v1/intake-http/";
  auto f = Make(o);
  (void)Deliver(f, {"{}"});
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(transport_.requests()[0].url, "https://intake.eu2.sekoia.io/api/v1/intake-http/batch");
}

TEST_F(ForwarderTest, GzipBodyDecodesToTheExactEventBytes) {
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  const Events events{
      R"({"id":"1","note":"say \"hi\"","path":"C:\\Windows\\System32"})",
      R"({"big":123456789012345678901234567890,"neg":-9223372036854775809,"f":1.0e-400})",
      "{\"raw\":\"" + all_controls + "\x7f\"}",  // Not valid JSON inside: bytes are bytes.
      "{\"utf8\":\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92\"}",
      "  {\"spacing\" :\t[1, 2 ,3]}\r\n",
      "",
      R"(\u0000 "\\" \/ \n)",
  };
  transport_.Push(200, "{}");
  auto f = Make();
  const Delivery d = Deliver(f, events);
  ASSERT_EQ(d.outcome, Outcome::kDelivered) << d.error.ToString();
  EXPECT_EQ(d.delivered, events.jsons().size());
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(Jsons(transport_.requests()[0]), events.jsons());
}

TEST_F(ForwarderTest, BodyIsTheDocumentedShape) {
  ForwarderOptions o = DefaultOptions();
  o.gzip = false;
  transport_.Push(200, "{}");
  auto f = Make(o);
  (void)Deliver(f, {R"({"a":1})", R"({"b":"x"})"});
  ASSERT_EQ(transport_.requests().size(), 1u);
  const auto requests = transport_.requests();
  const http::Request& r = requests[0];
  EXPECT_EQ(FindHeader(r, "Content-Encoding"), nullptr);
  EXPECT_EQ(r.body, std::string(R"({"intake_key":")") + kKey +
                        R"(","jsons":["{\"a\":1}","{\"b\":\"x\"}"]})");
}

TEST_F(ForwarderTest, IntakeKeyIsJsonEscapedInTheBody) {
  ForwarderOptions o = DefaultOptions();
  o.gzip = false;
  transport_.Push(200, "{}");
  Forwarder f(
      transport_, clock_, o, []() -> Result<std::string> { return std::string("k\"\\\n"); },
      dead_letter_);
  const Events events{"{}"};
  (void)f.Deliver("threats", events.refs());
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(transport_.requests()[0].body).at("intake_key"), "k\"\\\n");
}

// --- Outcomes per HTTP status ---------------------------------------------

struct StatusCase {
  long http_status;
  Outcome outcome;
  StatusCode code;
};

class ForwarderStatusTest : public ForwarderTest,
                            public ::testing::WithParamInterface<StatusCase> {};

TEST_P(ForwarderStatusTest, MapsStatusToOutcome) {
  const StatusCase c = GetParam();
  transport_.Push(c.http_status, "<html>reply body</html>");
  auto f = Make();
  const Delivery d = Deliver(f, {"{}", "{}"});
  EXPECT_EQ(d.outcome, c.outcome);
  EXPECT_EQ(d.http_status, c.http_status);
  if (c.outcome == Outcome::kDelivered) {
    EXPECT_EQ(d.delivered, 2u);
    EXPECT_TRUE(d.error.ok());
  } else {
    EXPECT_EQ(d.delivered, 0u);
    EXPECT_EQ(d.error.code(), c.code) << d.error.ToString();
    EXPECT_THAT(d.error.message(), HasSubstr(std::to_string(c.http_status)));
    EXPECT_THAT(d.error.message(), HasSubstr("eu-prod"));
    EXPECT_FALSE(d.error.retry_after().has_value());
  }
  EXPECT_EQ(transport_.requests().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, ForwarderStatusTest,
    ::testing::Values(StatusCase{200, Outcome::kDelivered, StatusCode::kOk},
                      StatusCase{202, Outcome::kDelivered, StatusCode::kOk},
                      StatusCase{204, Outcome::kDelivered, StatusCode::kOk},
                      StatusCase{400, Outcome::kRejected, StatusCode::kRejected},
                      StatusCase{401, Outcome::kRejected, StatusCode::kUnauthenticated},
                      StatusCase{403, Outcome::kRejected, StatusCode::kPermissionDenied},
                      StatusCase{404, Outcome::kRejected, StatusCode::kRejected},
                      StatusCase{408, Outcome::kRetryable, StatusCode::kUnavailable},
                      StatusCase{413, Outcome::kRejected, StatusCode::kRejected},
                      StatusCase{429, Outcome::kRetryable, StatusCode::kRateLimited},
                      StatusCase{500, Outcome::kRetryable, StatusCode::kUnavailable},
                      StatusCase{502, Outcome::kRetryable, StatusCode::kUnavailable},
                      StatusCase{503, Outcome::kRetryable, StatusCode::kUnavailable},
                      StatusCase{504, Outcome::kRetryable, StatusCode::kUnavailable},
                      StatusCase{301, Outcome::kRejected, StatusCode::kRejected}),
    [](const ::testing::TestParamInfo<StatusCase>& info) {
      return "Http" + std::to_string(info.param.http_status);
    });

TEST_F(ForwarderTest, UnauthorizedSaysToCheckTheKey) {
  transport_.Push(401, "{\"message\":\"bad key\"}");
  auto f = Make();
  const Delivery d = Deliver(f, {"{}"});
  EXPECT_EQ(d.outcome, Outcome::kRejected);
  EXPECT_EQ(d.error.message(),
            "intake rejected the intake key (HTTP 401): check intake_key for console eu-prod");
}

TEST_F(ForwarderTest, BadRequestCarriesAnExcerptOfTheReply) {
  transport_.Push(400, "{\"message\":\"jsons: expected a list\"}\n" + std::string(5000, 'x'));
  auto f = Make();
  const Delivery d = Deliver(f, {"{}", "{}", "{}"});
  EXPECT_EQ(d.outcome, Outcome::kRejected);
  EXPECT_THAT(d.error.message(), HasSubstr("intake rejected a batch of 3 events"));
  EXPECT_THAT(d.error.message(), HasSubstr("HTTP 400"));
  EXPECT_THAT(d.error.message(), HasSubstr("jsons: expected a list"));
  EXPECT_LT(d.error.message().size(), 400u);  // An excerpt, not the whole page.
}

TEST_F(ForwarderTest, ErrorsNeverContainTheIntakeKey) {
  // An intake that echoes the key back in its error page.
  transport_.Push(400, std::string("{\"error\":\"bad key ") + kKey + "\"}");
  transport_.Push(503, std::string("down for ") + kKey);
  transport_.Push(401, kKey);
  auto f = Make();
  for (int i = 0; i < 3; ++i) {
    const Delivery d = Deliver(f, {"{}"});
    EXPECT_NE(d.outcome, Outcome::kDelivered);
    EXPECT_THAT(d.error.message(), Not(HasSubstr(kKey))) << d.error.message();
  }
}

TEST_F(ForwarderTest, TooManyRequestsHonoursRetryAfterSeconds) {
  transport_.Push(429, "<html>nginx</html>", {{"retry-after", "17"}});
  auto f = Make();
  const Delivery d = Deliver(f, {"{}"});
  EXPECT_EQ(d.outcome, Outcome::kRetryable);
  EXPECT_EQ(d.error.code(), StatusCode::kRateLimited);
  EXPECT_EQ(d.error.retry_after(), std::chrono::milliseconds(17000));
}

TEST_F(ForwarderTest, TooManyRequestsWithoutRetryAfterHasNoServerDelay) {
  transport_.Push(429, "<html>nginx</html>");
  auto f = Make();
  const Delivery d = Deliver(f, {"{}"});
  EXPECT_EQ(d.outcome, Outcome::kRetryable);
  EXPECT_FALSE(d.error.retry_after().has_value());
}

TEST_F(ForwarderTest, RetryableAnswersMarkTheIntakeFailingAndAnyOtherRingsIt) {
  // The bell wakes the streams backing off from this intake: a retryable
  // failure must not ring it, or they would hammer an intake still down.
  ForwarderOptions o = DefaultOptions();
  o.recovery = std::make_shared<RecoveryBell>();
  auto f = Make(o);
  transport_.Push(503, "down");
  EXPECT_EQ(Deliver(f, {"{}"}).outcome, Outcome::kRetryable);
  EXPECT_TRUE(o.recovery->failing());
  transport_.Push(429, "slow down");
  EXPECT_EQ(Deliver(f, {"{}"}).outcome, Outcome::kRetryable);
  EXPECT_EQ(o.recovery->rings(), 0u);
  transport_.Push(200, R"({"event_ids":["a"]})");
  EXPECT_EQ(Deliver(f, {"{}"}).outcome, Outcome::kDelivered);
  EXPECT_EQ(o.recovery->rings(), 1u);
  EXPECT_FALSE(o.recovery->failing());
  // A refusal is an answer too: the intake is up.
  transport_.Push(503, "down");
  EXPECT_EQ(Deliver(f, {"{}"}).outcome, Outcome::kRetryable);
  transport_.Push(400, R"({"message":"bad"})");
  EXPECT_EQ(Deliver(f, {"{}"}).outcome, Outcome::kRejected);
  EXPECT_EQ(o.recovery->rings(), 2u);
  EXPECT_FALSE(o.recovery->failing());
}

TEST_F(ForwarderTest, UnavailableHonoursRetryAfterDateAgainstTheClock) {
  // FakeClock starts at 2026-01-01T00:00:00Z.
  transport_.Push(503, "", {{"retry-after", "Thu, 01 Jan 2026 00:00:30 GMT"}});
  auto f = Make();
  const Delivery d = Deliver(f, {"{}"});
  EXPECT_EQ(d.outcome, Outcome::kRetryable);
  EXPECT_EQ(d.error.retry_after(), std::chrono::milliseconds(30000));
}

TEST_F(ForwarderTest, GarbageRetryAfterIsIgnored) {
  transport_.Push(503, "", {{"retry-after", "soon"}});
  auto f = Make();
  const Delivery d = Deliver(f, {"{}"});
  EXPECT_EQ(d.outcome, Outcome::kRetryable);
  EXPECT_FALSE(d.error.retry_after().has_value());
}

TEST_F(ForwarderTest, TransportErrorsAreRetryable) {
  for (StatusCode code : {StatusCode::kUnavailable, StatusCode::kCorrupt, StatusCode::kCancelled}) {
    transport_.Push(Status(code, "could not connect to host intake.example"));
    auto f = Make();
    const Delivery d = Deliver(f, {"{}"});
    EXPECT_EQ(d.outcome, Outcome::kRetryable);
    EXPECT_EQ(d.delivered, 0u);
    EXPECT_EQ(d.http_status, 0);
    EXPECT_EQ(d.error.code(), code);
    EXPECT_THAT(d.error.message(), HasSubstr("could not connect to host intake.example"));
    EXPECT_THAT(d.error.message(), HasSubstr("eu-prod"));
  }
}

TEST_F(ForwarderTest, TwoHundredWithUnparseableReplyStillCountsAsDelivered) {
  transport_.Push(200, "<html>ok?</html>");
  auto f = Make();
  const Delivery d = Deliver(f, {"{}"});
  EXPECT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 1u);
}

// --- Intake key -----------------------------------------------------------

TEST_F(ForwarderTest, KeyProviderErrorIsRejectedAndNamesTheSource) {
  Forwarder f(
      transport_, clock_, DefaultOptions(),
      []() -> Result<std::string> {
        return NotFound("intake_key file /run/credentials/s1-collector/eu-intake-key not found");
      },
      dead_letter_);
  const Events events{"{}"};
  const Delivery d = f.Deliver("threats", events.refs());
  EXPECT_EQ(d.outcome, Outcome::kRejected);
  EXPECT_EQ(d.delivered, 0u);
  EXPECT_EQ(d.error.code(), StatusCode::kNotFound);
  EXPECT_THAT(d.error.message(), HasSubstr("eu-prod"));
  EXPECT_THAT(d.error.message(), HasSubstr("/run/credentials/s1-collector/eu-intake-key"));
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ForwarderTest, KeyIsReadOncePerDeliver) {
  transport_.SetHandler([](const http::Request&) -> Result<http::Response> {
    http::Response r;
    r.status = 200;
    return r;
  });
  ForwarderOptions o = DefaultOptions();
  o.max_batch_events = 1;
  auto f = Make(o);
  (void)Deliver(f, {"{}", "{}", "{}"});
  EXPECT_EQ(transport_.requests().size(), 3u);
  EXPECT_EQ(key_reads_, 1);
  (void)Deliver(f, {"{}"});
  EXPECT_EQ(key_reads_, 2);  // Re-read each call: a rotated key is picked up.
}

// --- Splitting into bodies ------------------------------------------------

void AlwaysOk(FakeTransport& t) {
  t.SetHandler([](const http::Request&) -> Result<http::Response> {
    http::Response r;
    r.status = 200;
    r.body = "{\"event_ids\":[]}";
    return r;
  });
}

TEST_F(ForwarderTest, SplitsByEventCount) {
  AlwaysOk(transport_);
  ForwarderOptions o = DefaultOptions();
  o.max_batch_events = 2;
  auto f = Make(o);
  const Events events{"{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"};
  const Delivery d = Deliver(f, events);
  EXPECT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 5u);
  const auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(Jsons(requests[0]), ElementsAre("{\"n\":0}", "{\"n\":1}"));
  EXPECT_THAT(Jsons(requests[1]), ElementsAre("{\"n\":2}", "{\"n\":3}"));
  EXPECT_THAT(Jsons(requests[2]), ElementsAre("{\"n\":4}"));
}

TEST_F(ForwarderTest, SplitsByBodySizeGreedilyAndInOrder) {
  AlwaysOk(transport_);
  ForwarderOptions o = DefaultOptions();
  o.gzip = false;  // Body size limits are on the uncompressed JSON.
  o.max_body_bytes = 300;
  auto f = Make(o);
  Events events{};
  for (int i = 0; i < 20; ++i) {
    // Escaping grows events with quotes: the limit must count escaped bytes.
    events.Add("{\"i\":" + std::to_string(i) + ",\"s\":\"" + std::string(i * 3, '"') + "\"}");
  }
  const Delivery d = Deliver(f, events);
  ASSERT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 20u);
  const auto requests = transport_.requests();
  ASSERT_GT(requests.size(), 2u);
  std::vector<std::string> all;
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_LE(requests[i].body.size(), o.max_body_bytes) << i;
    const auto jsons = Jsons(requests[i]);
    ASSERT_FALSE(jsons.empty());
    if (i + 1 < requests.size()) {
      // Greedy: the next body's first event would not have fitted here.
      const std::string next = Jsons(requests[i + 1]).front();
      const size_t escaped_next = nlohmann::json(next).dump().size();
      EXPECT_GT(requests[i].body.size() + 1 + escaped_next, o.max_body_bytes) << i;
    }
    all.insert(all.end(), jsons.begin(), jsons.end());
  }
  EXPECT_EQ(all, events.jsons());
}

TEST_F(ForwarderTest, EventLargerThanABodyGoesAlone) {
  AlwaysOk(transport_);
  ForwarderOptions o = DefaultOptions();
  o.gzip = false;
  o.max_body_bytes = 60;  // Smaller than one event plus the envelope.
  auto f = Make(o);
  const Events events{std::string(50, 'a'), std::string(50, 'b')};
  const Delivery d = Deliver(f, events);
  EXPECT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 2u);
  ASSERT_EQ(transport_.requests().size(), 2u);
  EXPECT_THAT(Jsons(transport_.requests()[0]), ElementsAre(std::string(50, 'a')));
  EXPECT_THAT(Jsons(transport_.requests()[1]), ElementsAre(std::string(50, 'b')));
}

TEST_F(ForwarderTest, SecondBodyFailingLeavesTheFirstDelivered) {
  transport_.Push(200, "{}");
  transport_.Push(503, "busy");
  ForwarderOptions o = DefaultOptions();
  o.max_batch_events = 2;
  auto f = Make(o);
  const Delivery d = Deliver(f, {"{}", "{}", "{}", "{}", "{}"});
  EXPECT_EQ(d.outcome, Outcome::kRetryable);
  EXPECT_EQ(d.delivered, 2u);
  EXPECT_EQ(d.http_status, 503);
  EXPECT_EQ(transport_.requests().size(), 2u);  // Stops at the first failure.
}

TEST_F(ForwarderTest, SecondBodyRejectedBySizeLeavesTheFirstDelivered) {
  transport_.Push(200, "{}");
  transport_.Push(413, "too large");
  ForwarderOptions o = DefaultOptions();
  o.gzip = false;
  o.max_body_bytes = 100;
  auto f = Make(o);
  const Events events{std::string(30, 'a'), std::string(30, 'b'), std::string(30, 'c')};
  const Delivery d = Deliver(f, events);
  EXPECT_EQ(d.outcome, Outcome::kRejected);
  EXPECT_EQ(d.error.code(), StatusCode::kRejected);
  EXPECT_EQ(d.http_status, 413);
  ASSERT_EQ(transport_.requests().size(), 2u);
  const size_t first = Jsons(transport_.requests()[0]).size();
  EXPECT_GE(first, 1u);
  EXPECT_EQ(d.delivered, first);
}

// --- Dead letter ------------------------------------------------------------

std::string BigEvent(size_t bytes) {
  std::string e = "{\"id\":\"big\",\"blob\":\"";
  e.append(bytes - e.size() - 2, 'z');
  e += "\"}";
  return e;
}

TEST_F(ForwarderTest, OversizedEventIsDeadLetteredInOrder) {
  AlwaysOk(transport_);
  auto f = Make();
  const std::string big = BigEvent(250001);
  const Events events{"{\"n\":0}", "{\"n\":1}", big, "{\"n\":3}"};
  const Delivery d = Deliver(f, events, "activities");
  EXPECT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 4u);
  EXPECT_EQ(d.dead_lettered, 1u);
  EXPECT_EQ(dead_letter_.count(), 1u);
  // The events before the big one were sent before it was dead-lettered.
  const auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(Jsons(requests[0]), ElementsAre("{\"n\":0}", "{\"n\":1}"));
  EXPECT_THAT(Jsons(requests[1]), ElementsAre("{\"n\":3}"));

  const auto lines = ReadDeadLetterLines();
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json record = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(record.at("console"), "eu-prod");
  EXPECT_EQ(record.at("stream"), "activities");
  EXPECT_EQ(record.at("key"), "key-2");
  EXPECT_EQ(record.at("reason"), "event exceeds 250000 bytes");
  EXPECT_EQ(record.at("bytes"), 250001);
  EXPECT_EQ(record.at("event"), big);
}

TEST_F(ForwarderTest, EventAtTheLimitIsSentNotDeadLettered) {
  AlwaysOk(transport_);
  auto f = Make();
  const std::string edge = BigEvent(250000);
  const Delivery d = Deliver(f, {edge});
  EXPECT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.dead_lettered, 0u);
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_THAT(Jsons(transport_.requests()[0]), ElementsAre(edge));
}

TEST_F(ForwarderTest, OversizedEventIsNotDeadLetteredWhenTheEventsBeforeItFail) {
  transport_.Push(503, "busy");
  auto f = Make();
  const Delivery d = Deliver(f, {"{\"n\":0}", BigEvent(300000), "{\"n\":2}"});
  EXPECT_EQ(d.outcome, Outcome::kRetryable);
  EXPECT_EQ(d.delivered, 0u);
  EXPECT_EQ(d.dead_lettered, 0u);
  EXPECT_EQ(dead_letter_.count(), 0u);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(ForwarderTest, DeadLetteredPrefixCountsWhenALaterBodyFails) {
  transport_.Push(503, "busy");
  auto f = Make();
  const Delivery d = Deliver(f, {BigEvent(260000), BigEvent(270000), "{\"n\":2}"});
  EXPECT_EQ(d.outcome, Outcome::kRetryable);
  EXPECT_EQ(d.delivered, 2u);
  EXPECT_EQ(d.dead_lettered, 2u);
  EXPECT_EQ(dead_letter_.count(), 2u);
  EXPECT_EQ(ReadDeadLetterLines().size(), 2u);
}

TEST_F(ForwarderTest, OnlyOversizedEventsMakeNoRequest) {
  auto f = Make();
  const Delivery d = Deliver(f, {BigEvent(250001)});
  EXPECT_EQ(d.outcome, Outcome::kDelivered);
  EXPECT_EQ(d.delivered, 1u);
  EXPECT_EQ(d.dead_lettered, 1u);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ForwarderTest, CustomMaxEventBytesIsInTheReason) {
  ForwarderOptions o = DefaultOptions();
  o.max_event_bytes = 10;
  auto f = Make(o);
  const Delivery d = Deliver(f, {"{\"eleven\":1}"});
  EXPECT_EQ(d.dead_lettered, 1u);
  const auto lines = ReadDeadLetterLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0]).at("reason"), "event exceeds 10 bytes");
}

TEST_F(ForwarderTest, DeadLetterFailureIsRetryableAndNotCounted) {
  AlwaysOk(transport_);
  // The dead-letter directory cannot be created: a file is in the way.
  { std::ofstream(dir_.path() / "blocker") << "x"; }
  DeadLetter blocked(dir_.path() / "blocker" / "dead-letter.ndjson");
  Forwarder f(
      transport_, clock_, DefaultOptions(),
      []() -> Result<std::string> { return std::string(kKey); }, blocked);
  const Events events{"{\"n\":0}", BigEvent(250001), "{\"n\":2}"};
  const Delivery d = f.Deliver("threats", events.refs());
  EXPECT_EQ(d.outcome, Outcome::kRetryable);
  EXPECT_EQ(d.delivered, 1u);  // The event before it was sent.
  EXPECT_EQ(d.dead_lettered, 0u);
  EXPECT_EQ(d.error.code(), StatusCode::kIo);
  EXPECT_THAT(d.error.message(), HasSubstr("blocker"));
  EXPECT_EQ(blocked.count(), 0u);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

// --- ParseIntakeReply ---------------------------------------------------------

TEST(ParseIntakeReplyTest, ReturnsEventIds) {
  auto ids = ParseIntakeReply(R"({"event_ids":["a1","b2"],"extra":true})");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_THAT(*ids, ElementsAre("a1", "b2"));
  auto none = ParseIntakeReply(R"({"event_ids":[]})");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ParseIntakeReplyTest, AnythingElseIsCorruptWithAnExcerpt) {
  for (const char* bad :
       {"", "null", "[]", "\"x\"", "{}", R"({"event_ids":"a"})", R"({"event_ids":[1,2]})",
        R"({"event_ids":["a",null]})", "<html><body>502 Bad Gateway</body></html>",
        "{\"event_ids\":[\"a\"", "{\"event_ids\":[\"\xff\"]}"}) {
    auto r = ParseIntakeReply(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("unexpected intake reply")) << bad;
  }
  auto html = ParseIntakeReply("<html><body>502 Bad Gateway</body></html>");
  EXPECT_THAT(html.status().message(), HasSubstr("502 Bad Gateway"));
  auto long_reply = ParseIntakeReply(std::string(10000, 'x'));
  EXPECT_LT(long_reply.status().message().size(), 400u);
}

}  // namespace
}  // namespace s1c::intake
