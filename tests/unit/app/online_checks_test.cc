#include "online_checks.h"

#include <gtest/gtest.h>

#include "fake_clock.h"
#include "fake_transport.h"
#include "s1c/core/iso_time.h"
#include "s1c/intake/dead_letter.h"

namespace s1c::app {
namespace {

constexpr int64_t kDay = int64_t{86400} * 1000000;
const int64_t kNow = ParseIsoTime("2026-06-01T12:00:00Z").value();

http::Response Reply(long status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

s1::TokenDetails Expiring(int64_t at) {
  s1::TokenDetails d;
  d.created_at = "2026-01-01T00:00:00Z";
  d.expires_at = FormatIsoTime(at);
  d.expires_at_us = at;
  return d;
}

TEST(ApiCheckTest, Reachable) {
  const CheckLine l = ApiCheck(std::string(R"({"data":{"release":"24.1.2"}})"));
  EXPECT_EQ(l.level, CheckLevel::kOk);
  EXPECT_NE(l.text.find("release 24.1.2"), std::string::npos) << l.text;
}

TEST(ApiCheckTest, RevokedTokenFails) {
  const CheckLine l =
      ApiCheck(Status(StatusCode::kUnauthenticated, "HTTP 401 Authentication Failed"));
  EXPECT_EQ(l.level, CheckLevel::kFail);
  EXPECT_NE(l.text.find("token was rejected"), std::string::npos) << l.text;
}

TEST(ApiCheckTest, ForbiddenSystemInfoStillMeansTheTokenWorks) {
  EXPECT_EQ(ApiCheck(Status(StatusCode::kPermissionDenied, "HTTP 403")).level, CheckLevel::kOk);
}

TEST(ApiCheckTest, Unreachable) {
  const Status down = Unavailable("could not connect to host 127.0.0.1:1");
  EXPECT_TRUE(Unreachable(down));
  EXPECT_EQ(ApiCheck(down).level, CheckLevel::kFail);
  EXPECT_FALSE(Unreachable(Status(StatusCode::kUnauthenticated, "x")));
}

TEST(ExpiryCheckTest, FarAwayIsOk) {
  const CheckLine l = ExpiryCheck(Expiring(kNow + 90 * kDay), kNow);
  EXPECT_EQ(l.level, CheckLevel::kOk);
  EXPECT_EQ(l.text, "token expires on 2026-08-30 (in 90 days)");
}

TEST(ExpiryCheckTest, WithinFourteenDaysWarns) {
  const CheckLine l = ExpiryCheck(Expiring(kNow + 13 * kDay + 1), kNow);
  EXPECT_EQ(l.level, CheckLevel::kWarn);
  EXPECT_NE(l.text.find("2026-06-14 (in 13 days)"), std::string::npos) << l.text;
  // Whole days, rounded: 8 days and 23 hours reads as 9.
  EXPECT_NE(ExpiryCheck(Expiring(kNow + 9 * kDay - 3600000000), kNow).text.find("(in 9 days)"),
            std::string::npos);
  EXPECT_EQ(ExpiryCheck(Expiring(kNow + 14 * kDay), kNow).level, CheckLevel::kOk);
  EXPECT_NE(ExpiryCheck(Expiring(kNow + 3600000000), kNow).text.find("less than a day"),
            std::string::npos);
}

TEST(ExpiryCheckTest, ExpiredFails) {
  EXPECT_EQ(ExpiryCheck(Expiring(kNow - 1), kNow).level, CheckLevel::kFail);
}

TEST(ExpiryCheckTest, NoExpiryOrUnknown) {
  EXPECT_EQ(ExpiryCheck(s1::TokenDetails{}, kNow).level, CheckLevel::kOk);
  const CheckLine l = ExpiryCheck(Status(StatusCode::kRejected, "HTTP 400"), kNow);
  EXPECT_EQ(l.level, CheckLevel::kWarn);
  EXPECT_NE(l.text.find("unknown"), std::string::npos);
}

TEST(StreamCheckTest, NamesThePermission) {
  const s1::StreamSpec& threats = *s1::FindStream("threats");
  s1::Page page;
  page.total_items = 42;
  const CheckLine ok = StreamCheck(threats, page);
  EXPECT_EQ(ok.level, CheckLevel::kOk);
  EXPECT_NE(ok.text.find("42 events"), std::string::npos);

  const CheckLine denied = StreamCheck(threats, Status(StatusCode::kPermissionDenied, "HTTP 403"));
  EXPECT_EQ(denied.level, CheckLevel::kFail);
  EXPECT_NE(denied.text.find("403"), std::string::npos);
  EXPECT_NE(denied.text.find("Threats.view"), std::string::npos) << denied.text;

  const CheckLine unauth = StreamCheck(threats, Status(StatusCode::kUnauthenticated, "HTTP 401"));
  EXPECT_EQ(unauth.level, CheckLevel::kFail);
  EXPECT_NE(unauth.text.find("401"), std::string::npos);
  EXPECT_NE(unauth.text.find("Threats.view"), std::string::npos);
}

// The intake's answer to the empty batch, through the Forwarder's probe (its
// request and classification), worded by IntakeCheck.
CheckLine ProbeWith(Result<http::Response> reply, const std::string& key) {
  testing::FakeTransport transport;
  testing::FakeClock clock;
  transport.Push(std::move(reply));
  intake::DeadLetter dead_letter("/nonexistent/dead-letter.ndjson");
  intake::ForwarderOptions options;
  options.console = "eu";
  options.intake_url = "https://intake.sekoia.io";
  intake::Forwarder forwarder(transport, clock, options,
                              [key] { return Result<std::string>(key); }, dead_letter);
  const CheckLine line = IntakeCheck(forwarder.Probe(std::chrono::seconds(30)));
  EXPECT_EQ(transport.requests().size(), 1u);
  return line;
}

TEST(IntakeCheckTest, Classification) {
  EXPECT_EQ(ProbeWith(Reply(200, R"({"event_ids":[]})"), "k3y").level, CheckLevel::kOk);
  const CheckLine bad_key = ProbeWith(Reply(401, R"({"message":"unknown intake key"})"), "k3y");
  EXPECT_EQ(bad_key.level, CheckLevel::kFail);
  EXPECT_NE(bad_key.text.find("rejected"), std::string::npos);
  EXPECT_EQ(ProbeWith(Reply(403, ""), "k3y").level, CheckLevel::kFail);
  const CheckLine not_found = ProbeWith(Reply(404, "nope"), "k3y");
  EXPECT_NE(not_found.text.find("intake_url"), std::string::npos);
  EXPECT_EQ(ProbeWith(Reply(503, ""), "k3y").level, CheckLevel::kFail);
  EXPECT_EQ(ProbeWith(Unavailable("could not connect"), "k3y").level, CheckLevel::kFail);
}

TEST(IntakeCheckTest, ATwoHundredThatIsNotAnIntakeReplyIsAWarning) {
  // A captive portal or a proxy's page in place of the intake.
  const CheckLine l = ProbeWith(Reply(200, "<html>Sign in to continue</html>"), "k3y");
  EXPECT_EQ(l.level, CheckLevel::kWarn);
  EXPECT_NE(l.text.find("not like a Sekoia.io intake"), std::string::npos) << l.text;
  EXPECT_NE(l.text.find("Sign in"), std::string::npos) << l.text;
}

TEST(IntakeCheckTest, AnEmptyBatchRefusedLeavesTheKeyUnverified) {
  // An intake that refuses empty batches has not said whether the key is
  // good: that is not a pass. The key must not be echoed.
  const CheckLine l =
      ProbeWith(Reply(400, R"({"message":"no events for key s3cr3t-key"})"), "s3cr3t-key");
  EXPECT_EQ(l.level, CheckLevel::kFail);
  EXPECT_NE(l.text.find("NOT verified"), std::string::npos) << l.text;
  EXPECT_EQ(l.text.find("s3cr3t-key"), std::string::npos) << l.text;
}

// The probe is the request a delivery sends: same URL, headers and body
// shape (gzipped like a batch), with no event in it.
TEST(IntakeCheckTest, TheProbeIsAnEmptyBatchLikeADelivery) {
  testing::FakeTransport transport;
  testing::FakeClock clock;
  transport.Push(200, R"({"event_ids":[]})");
  intake::DeadLetter dead_letter("/nonexistent/dead-letter.ndjson");
  intake::ForwarderOptions options;
  options.console = "eu";
  options.intake_url = "https://intake.fra2.sekoia.io/api/v1/intake-http/";
  options.gzip = false;
  options.user_agent = "s1-collector/test";
  intake::Forwarder forwarder(transport, clock, options,
                              [] { return Result<std::string>("k\"3y"); }, dead_letter);
  const intake::ProbeResult p = forwarder.Probe(std::chrono::seconds(30));
  EXPECT_EQ(p.outcome, intake::Outcome::kDelivered);
  EXPECT_TRUE(p.intake_reply);
  ASSERT_EQ(transport.requests().size(), 1u);
  const http::Request r = transport.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://intake.fra2.sekoia.io/api/v1/intake-http/batch");
  EXPECT_EQ(r.timeout, std::chrono::seconds(30));
  EXPECT_EQ(r.body, R"({"intake_key":"k\"3y","jsons":[]})");
  // A key that cannot be read is said, and nothing is sent.
  intake::Forwarder unreadable(transport, clock, options,
                               [] { return Result<std::string>(IoError("no file /k")); },
                               dead_letter);
  const CheckLine l = IntakeCheck(unreadable.Probe(std::chrono::seconds(30)));
  EXPECT_EQ(l.level, CheckLevel::kFail);
  EXPECT_NE(l.text.find("intake key not tested"), std::string::npos) << l.text;
  EXPECT_EQ(transport.requests().size(), 1u);
}

}  // namespace
}  // namespace s1c::app
