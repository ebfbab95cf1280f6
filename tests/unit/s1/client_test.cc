#include "s1c/s1/client.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fake_clock.h"
#include "fake_transport.h"

namespace s1c::s1 {
namespace {

using s1c::testing::FakeClock;
using s1c::testing::FakeTransport;

constexpr char kToken[] = "s3cr3t-T0ken+/=";

std::string ReadSample(const std::string& name) {
  std::ifstream in(std::string(S1C_SAMPLES_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ConsoleApi Api() {
  ConsoleApi api;
  api.base_url = "https://usea1-acme.sentinelone.net";
  api.user_agent = "s1-collector/0.1.0";
  return api;
}

const StreamSpec& Activities() { return *FindStream("activities"); }

std::string HeaderValue(const http::Request& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "<missing>";
}

http::Response Reply(long status, std::string body, std::vector<http::Header> headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

const char kHtml429[] =
    "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n"
    "<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n";

// --- BuildPageRequest ---------------------------------------------------------

TEST(BuildPageRequestTest, FirstPageOfActivities) {
  PageQuery q;
  q.since = "2026-01-01T00:00:00.000000Z";
  const http::Request r = BuildPageRequest(Api(), Activities(), q, kToken);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(
      r.url,
      "https://usea1-acme.sentinelone.net/web/api/v2.1/activities"
      "?createdAt__gte=2026-01-01T00%3A00%3A00.000000Z&sortBy=createdAt&sortOrder=asc&limit=1000");
  EXPECT_TRUE(r.body.empty());
  ASSERT_EQ(r.headers.size(), 4u);
  EXPECT_EQ(HeaderValue(r, "Authorization"), std::string("ApiToken ") + kToken);
  EXPECT_EQ(HeaderValue(r, "Accept"), "application/json");
  EXPECT_EQ(HeaderValue(r, "Accept-Encoding"), "gzip");
  EXPECT_EQ(HeaderValue(r, "User-Agent"), "s1-collector/0.1.0");
}

TEST(BuildPageRequestTest, AllParametersEscaped) {
  ConsoleApi api = Api();
  api.base_url = "http://127.0.0.1:8080/";  // A trailing slash is tolerated.
  api.site_ids = {"111", "222"};
  api.account_ids = {"333"};
  PageQuery q;
  q.since = "2026-01-01T00:00:00.5+01:00";
  q.until = "2026-01-02T00:00:00Z";
  q.cursor = "Y3Vy+c29y/dA==";
  q.limit = 250;
  const http::Request r = BuildPageRequest(api, *FindStream("threats"), q, kToken);
  EXPECT_EQ(r.url,
            "http://127.0.0.1:8080/web/api/v2.1/threats"
            "?updatedAt__gte=2026-01-01T00%3A00%3A00.5%2B01%3A00"
            "&updatedAt__lt=2026-01-02T00%3A00%3A00Z"
            "&sortBy=updatedAt&sortOrder=asc&limit=250"
            "&cursor=Y3Vy%2Bc29y%2FdA%3D%3D"
            "&siteIds=111%2C222&accountIds=333");
}

TEST(BuildPageRequestTest, AlertsUseTheirOwnPathAndNames) {
  PageQuery q;
  q.since = "2026-01-01T00:00:00Z";
  q.cursor = "abc";
  const http::Request r = BuildPageRequest(Api(), *FindStream("alerts"), q, kToken);
  EXPECT_EQ(r.url,
            "https://usea1-acme.sentinelone.net/web/api/v2.1/cloud-detection/alerts"
            "?updatedAt__gte=2026-01-01T00%3A00%3A00Z&sortBy=alertInfoUpdatedAt&sortOrder=asc"
            "&limit=1000&cursor=abc");
}

TEST(BuildPageRequestTest, ClampsLimit) {
  PageQuery q;
  q.since = "t";
  q.limit = 0;
  EXPECT_TRUE(BuildPageRequest(Api(), Activities(), q, kToken).url.ends_with("&limit=1"));
  q.limit = 5000;
  EXPECT_TRUE(BuildPageRequest(Api(), Activities(), q, kToken).url.ends_with("&limit=1000"));
}

TEST(BuildPageRequestTest, TokenOnlyInAuthorizationHeader) {
  PageQuery q;
  q.since = "2026-01-01T00:00:00Z";
  q.cursor = "c";
  const http::Request r = BuildPageRequest(Api(), Activities(), q, kToken);
  EXPECT_EQ(r.url.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(r.body.find("s3cr3t"), std::string::npos);
  for (const auto& h : r.headers) {
    if (h.name != "Authorization") {
      EXPECT_EQ(h.value.find("s3cr3t"), std::string::npos) << h.name;
    }
  }
}

// --- ClassifyResponse ---------------------------------------------------------

constexpr int64_t kNow = 1767225600000000;  // 2026-01-01T00:00:00Z, a Thursday.

Status Classify(const http::Response& r, std::string_view permission = "Activity Page.view") {
  return ClassifyResponse(r, "GET /web/api/v2.1/activities", permission, kNow);
}

TEST(ClassifyResponseTest, SuccessIsOk) {
  EXPECT_TRUE(Classify(Reply(200, "{}")).ok());
  EXPECT_TRUE(Classify(Reply(204, "")).ok());
}

TEST(ClassifyResponseTest, Unauthorized401NamesThePermission) {
  const Status s =
      Classify(Reply(401, R"({"errors":[{"code":4010010,"title":"Authentication Failed"}]})"));
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_FALSE(s.IsRetryable());
  EXPECT_EQ(
      s.message(),
      "GET /web/api/v2.1/activities: HTTP 401 Authentication Failed: the API token was rejected "
      "(expired, revoked or wrong); it needs permission Activity Page.view");
}

TEST(ClassifyResponseTest, Forbidden403NamesThePermission) {
  const Status s = Classify(
      Reply(403, R"({"errors":[{"title":"Forbidden","detail":"Insufficient permissions"}]})"),
      "Threats.view");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("HTTP 403 Forbidden (Insufficient permissions)"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("it needs permission Threats.view"), std::string::npos) << s.message();
}

TEST(ClassifyResponseTest, BadRequestAndNotFoundAreRejected) {
  Status s = Classify(
      Reply(400, R"({"errors":[{"code":4000010,"title":"Validation Error",)"
                 R"("detail":"limit: Must be between 1 and 1000."},{"title":"Second"}]})"));
  EXPECT_EQ(s.code(), StatusCode::kRejected);
  EXPECT_FALSE(s.IsRetryable());
  EXPECT_NE(
      s.message().find("HTTP 400 Validation Error (limit: Must be between 1 and 1000.); Second"),
      std::string::npos)
      << s.message();
  s = Classify(Reply(404, "Not Found"));
  EXPECT_EQ(s.code(), StatusCode::kRejected);
  EXPECT_NE(s.message().find("HTTP 404: request rejected; body: Not Found"), std::string::npos)
      << s.message();
}

TEST(ClassifyResponseTest, TimeoutAndServerErrorsAreUnavailable) {
  for (long code : {408L, 500L, 502L, 503L, 504L}) {
    const Status s = Classify(Reply(code, "<html>oops</html>"));
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << code;
    EXPECT_TRUE(s.IsRetryable());
    EXPECT_NE(s.message().find("HTTP " + std::to_string(code)), std::string::npos);
    EXPECT_NE(s.message().find("<html>oops</html>"), std::string::npos);
  }
}

TEST(ClassifyResponseTest, HtmlRateLimitWithoutRetryAfter) {
  const Status s = Classify(Reply(429, kHtml429));
  EXPECT_EQ(s.code(), StatusCode::kRateLimited);
  EXPECT_TRUE(s.IsRetryable());
  EXPECT_FALSE(s.retry_after().has_value());
  EXPECT_NE(s.message().find("HTTP 429"), std::string::npos);
  EXPECT_NE(s.message().find("429 Too Many Requests"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find('\r'), std::string::npos);
  EXPECT_LT(s.message().size(), 400u);
}

TEST(ClassifyResponseTest, HtmlRateLimitWithRetryAfterSeconds) {
  const Status s = Classify(Reply(429, kHtml429, {{"retry-after", "30"}}));
  EXPECT_EQ(s.code(), StatusCode::kRateLimited);
  ASSERT_TRUE(s.retry_after().has_value());
  EXPECT_EQ(*s.retry_after(), std::chrono::seconds(30));
}

TEST(ClassifyResponseTest, RateLimitWithRetryAfterDate) {
  const Status s = Classify(Reply(429, "", {{"retry-after", "Thu, 01 Jan 2026 00:02:00 GMT"}}));
  EXPECT_EQ(s.code(), StatusCode::kRateLimited);
  ASSERT_TRUE(s.retry_after().has_value());
  EXPECT_EQ(*s.retry_after(), std::chrono::minutes(2));
}

TEST(ClassifyResponseTest, RateLimitWithGarbageRetryAfter) {
  const Status s = Classify(Reply(429, "", {{"retry-after", "soon"}}));
  EXPECT_EQ(s.code(), StatusCode::kRateLimited);
  EXPECT_FALSE(s.retry_after().has_value());
}

TEST(ClassifyResponseTest, MalformedJsonErrorBodyFallsBackToExcerpt) {
  const Status s = Classify(Reply(500, R"({"errors":[{"title":)"));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find(R"(body: {"errors":[{"title":)"), std::string::npos) << s.message();
}

TEST(ClassifyResponseTest, RedirectIsRejected) {
  const Status s = Classify(Reply(302, "", {{"location", "https://login.example/"}}));
  EXPECT_EQ(s.code(), StatusCode::kRejected);
  EXPECT_NE(s.message().find("https://login.example/"), std::string::npos);
}

// --- S1Client -----------------------------------------------------------------

class S1ClientTest : public ::testing::Test {
 protected:
  S1Client MakeClient(SecretProvider provider) {
    return S1Client(transport_, clock_, Api(), std::move(provider));
  }
  static PageQuery Query() {
    PageQuery q;
    q.since = "2026-01-01T00:00:00.000000Z";
    return q;
  }

  FakeTransport transport_;
  FakeClock clock_;
};

TEST_F(S1ClientTest, FetchesAndParsesAPage) {
  S1Client client = MakeClient([] { return Result<std::string>(std::string(kToken)); });
  transport_.Push(200, ReadSample("activities-page.json"));
  Result<Page> page = client.FetchPage(Activities(), Query());
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->events.size(), 3u);
  EXPECT_TRUE(page->next_cursor.has_value());
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(transport_.requests()[0].url,
            BuildPageRequest(Api(), Activities(), Query(), kToken).url);
}

TEST_F(S1ClientTest, ReadsTheTokenOnEveryRequest) {
  int calls = 0;
  S1Client client = MakeClient([&calls] {
    ++calls;
    return Result<std::string>("token-v" + std::to_string(calls));
  });
  transport_.Push(200, R"({"data":[]})");
  transport_.Push(200, R"({"data":[]})");
  ASSERT_TRUE(client.FetchPage(Activities(), Query()).ok());
  ASSERT_TRUE(client.FetchPage(Activities(), Query()).ok());
  const auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(HeaderValue(requests[0], "Authorization"), "ApiToken token-v1");
  EXPECT_EQ(HeaderValue(requests[1], "Authorization"), "ApiToken token-v2");
}

TEST_F(S1ClientTest, TokenProviderErrorIsUnauthenticatedAndSendsNothing) {
  S1Client client = MakeClient([] {
    return Result<std::string>(
        IoError("cannot read secret file /run/credentials/s1/token: No such file"));
  });
  Result<Page> page = client.FetchPage(Activities(), Query());
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(page.status().message().find("/run/credentials/s1/token"), std::string::npos);
  EXPECT_NE(page.status().message().find("API token"), std::string::npos);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(S1ClientTest, EmptyOrMultilineTokenIsRefused) {
  for (std::string bad : {std::string(), std::string("abcd\r\nX-Evil: 1")}) {
    S1Client client = MakeClient([bad] { return Result<std::string>(bad); });
    Result<Page> page = client.FetchPage(Activities(), Query());
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(page.status().message().find("X-Evil"), std::string::npos);
  }
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(S1ClientTest, Unauthorized401IsReported) {
  S1Client client = MakeClient([] { return Result<std::string>(std::string(kToken)); });
  transport_.Push(401, R"({"errors":[{"code":4010010,"title":"Authentication Failed"}]})");
  Result<Page> page = client.FetchPage(*FindStream("threats"), Query());
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(page.status().message().find("Threats.view"), std::string::npos);
}

TEST_F(S1ClientTest, NeverPutsTheTokenInAMessage) {
  S1Client client = MakeClient([] { return Result<std::string>(std::string(kToken)); });
  // A console echoing the request header back in its error body.
  transport_.Push(400, std::string("bad header Authorization: ApiToken ") + kToken);
  transport_.Push(200, std::string("<html>token ") + kToken + "</html>");
  transport_.Push(
      Result<http::Response>(Unavailable(std::string("reset while sending ") + kToken)));
  for (int i = 0; i < 3; ++i) {
    Result<Page> page = client.FetchPage(Activities(), Query());
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().message().find(kToken), std::string::npos) << page.status().message();
    EXPECT_NE(page.status().message().find("***"), std::string::npos) << page.status().message();
  }
}

TEST_F(S1ClientTest, CorruptPageIsRetryable) {
  S1Client client = MakeClient([] { return Result<std::string>(std::string(kToken)); });
  transport_.Push(200, kHtml429);
  Result<Page> page = client.FetchPage(Activities(), Query());
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kCorrupt);
  EXPECT_TRUE(page.status().IsRetryable());
  EXPECT_NE(page.status().message().find("GET /web/api/v2.1/activities"), std::string::npos);
}

TEST_F(S1ClientTest, RateLimitCarriesRetryAfter) {
  S1Client client = MakeClient([] { return Result<std::string>(std::string(kToken)); });
  transport_.Push(429, kHtml429, {{"retry-after", "7"}});
  Result<Page> page = client.FetchPage(Activities(), Query());
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kRateLimited);
  ASSERT_TRUE(page.status().retry_after().has_value());
  EXPECT_EQ(*page.status().retry_after(), std::chrono::seconds(7));
}

TEST_F(S1ClientTest, TransportErrorsPassThrough) {
  S1Client client = MakeClient([] { return Result<std::string>(std::string(kToken)); });
  transport_.Push(
      Result<http::Response>(Unavailable("connection reset by usea1-acme.sentinelone.net")));
  Result<Page> page = client.FetchPage(Activities(), Query());
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(page.status().message().find("connection reset"), std::string::npos);
}

TEST_F(S1ClientTest, GetRaw) {
  S1Client client = MakeClient([] { return Result<std::string>(std::string(kToken)); });
  transport_.Push(200, R"({"data":{"latestAgentVersion":"24.1"}})");
  transport_.Push(403, R"({"errors":[{"title":"Forbidden"}]})");
  Result<std::string> body = client.GetRaw("system/info", "");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, R"({"data":{"latestAgentVersion":"24.1"}})");
  Result<std::string> denied = client.GetRaw("/threats?limit=1", "Threats.view");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("Threats.view"), std::string::npos);
  const auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].url, "https://usea1-acme.sentinelone.net/web/api/v2.1/system/info");
  EXPECT_EQ(requests[1].url, "https://usea1-acme.sentinelone.net/web/api/v2.1/threats?limit=1");
  EXPECT_EQ(HeaderValue(requests[0], "Authorization"), std::string("ApiToken ") + kToken);
}

TEST_F(S1ClientTest, AlertsForbiddenSaysCustomRulesMayBeOff) {
  S1Client client = MakeClient([] { return Result<std::string>(std::string(kToken)); });
  transport_.Push(403, R"({"errors":[{"code":4030010,"title":"Forbidden"}]})");
  transport_.Push(403, R"({"errors":[{"code":4030010,"title":"Forbidden"}]})");
  Result<Page> alerts = client.FetchPage(*FindStream("alerts"), Query());
  ASSERT_FALSE(alerts.ok());
  EXPECT_EQ(alerts.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(alerts.status().message().find("Custom Alerts.view"), std::string::npos);
  EXPECT_NE(alerts.status().message().find("no Custom Rules"), std::string::npos)
      << alerts.status().message();
  // Only where the console does that.
  Result<Page> threats = client.FetchPage(*FindStream("threats"), Query());
  ASSERT_FALSE(threats.ok());
  EXPECT_EQ(threats.status().message().find("Custom Rules"), std::string::npos);
}

}  // namespace
}  // namespace s1c::s1
