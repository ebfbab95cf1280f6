// users/api-token-details: the parse helper and S1Client::FetchTokenDetails
// (s1 module additions used by check-config --online).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_clock.h"
#include "fake_transport.h"
#include "s1c/core/iso_time.h"
#include "s1c/s1/client.h"

namespace s1c::s1 {
namespace {

using s1c::testing::FakeClock;
using s1c::testing::FakeTransport;

constexpr char kToken[] = "tok-s3cr3t-12345";

TEST(ParseTokenDetailsTest, CreatedAndExpires) {
  auto d = ParseTokenDetails(
      R"({"data":{"createdAt":"2026-01-01T00:00:00.000000Z","expiresAt":"2026-07-01T00:00:00.000000Z"}})");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->created_at, "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(d->expires_at, "2026-07-01T00:00:00.000000Z");
  EXPECT_EQ(d->expires_at_us, ParseIsoTime("2026-07-01T00:00:00Z").value());
}

TEST(ParseTokenDetailsTest, NoExpiry) {
  for (const char* body : {R"({"data":{"createdAt":"2026-01-01T00:00:00Z","expiresAt":null}})",
                           R"({"data":{"createdAt":"2026-01-01T00:00:00Z"}})", R"({"data":{}})"}) {
    auto d = ParseTokenDetails(body);
    ASSERT_TRUE(d.ok()) << body;
    EXPECT_FALSE(d->expires_at) << body;
    EXPECT_FALSE(d->expires_at_us) << body;
  }
}

TEST(ParseTokenDetailsTest, MalformedIsCorrupt) {
  for (const char* body :
       {"", "<html>", "[]", R"({"errors":[]})", R"({"data":[]})", R"({"data":{"expiresAt":17}})",
        R"({"data":{"expiresAt":"soon"}})", R"({"data":{"createdAt":5}})"}) {
    EXPECT_EQ(ParseTokenDetails(body).status().code(), StatusCode::kCorrupt) << body;
  }
}

ConsoleApi Api() {
  ConsoleApi api;
  api.base_url = "https://usea1-acme.sentinelone.net";
  api.user_agent = "s1-collector/test";
  return api;
}

SecretProvider Token() {
  return [] { return Result<std::string>(std::string(kToken)); };
}

TEST(FetchTokenDetailsTest, PostsTheTokenToTheDetailsEndpoint) {
  FakeTransport transport;
  FakeClock clock;
  transport.Push(
      200, R"({"data":{"createdAt":"2026-01-01T00:00:00Z","expiresAt":"2026-02-01T00:00:00Z"}})");
  S1Client client(transport, clock, Api(), Token());
  auto d = client.FetchTokenDetails();
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->expires_at, "2026-02-01T00:00:00Z");
  const auto requests = transport.requests();
  ASSERT_EQ(requests.size(), 1u);
  const http::Request& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://usea1-acme.sentinelone.net/web/api/v2.1/users/api-token-details");
  EXPECT_EQ(nlohmann::json::parse(r.body),
            nlohmann::json::parse(R"({"data":{"apiToken":"tok-s3cr3t-12345"}})"));
  bool content_type = false, auth = false;
  for (const auto& h : r.headers) {
    content_type = content_type || (h.name == "Content-Type" && h.value == "application/json");
    auth = auth || (h.name == "Authorization" && h.value == std::string("ApiToken ") + kToken);
  }
  EXPECT_TRUE(content_type);
  EXPECT_TRUE(auth);
}

TEST(FetchTokenDetailsTest, ErrorsNeverShowTheToken) {
  FakeTransport transport;
  FakeClock clock;
  // A console that echoes the request back in its error body.
  transport.Push(400, std::string(R"({"errors":[{"title":"Validation Error","detail":"apiToken )") +
                          kToken + R"( is invalid"}]})");
  transport.Push(200, std::string(R"({"data":{"expiresAt":")") + kToken + "\"}}");
  transport.Push(401, R"({"errors":[{"code":4010010,"title":"Authentication Failed"}]})");
  S1Client client(transport, clock, Api(), Token());
  auto rejected = client.FetchTokenDetails();
  EXPECT_EQ(rejected.status().code(), StatusCode::kRejected);
  EXPECT_EQ(rejected.status().message().find(kToken), std::string::npos)
      << rejected.status().message();
  auto corrupt = client.FetchTokenDetails();
  EXPECT_EQ(corrupt.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(corrupt.status().message().find(kToken), std::string::npos)
      << corrupt.status().message();
  auto unauth = client.FetchTokenDetails();
  EXPECT_EQ(unauth.status().code(), StatusCode::kUnauthenticated);
}

TEST(PostRawTest, ReturnsTheBodyOfA2xx) {
  FakeTransport transport;
  FakeClock clock;
  transport.Push(200, R"({"data":{"ok":true}})");
  transport.Push(403, R"({"errors":[{"title":"Forbidden"}]})");
  S1Client client(transport, clock, Api(), Token());
  auto ok = client.PostRaw("/some/endpoint", R"({"data":{}})", "");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, R"({"data":{"ok":true}})");
  EXPECT_EQ(transport.requests()[0].url,
            "https://usea1-acme.sentinelone.net/web/api/v2.1/some/endpoint");
  EXPECT_EQ(transport.requests()[0].body, R"({"data":{}})");
  auto denied = client.PostRaw("some/endpoint", "{}", "Some.permission");
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("Some.permission"), std::string::npos);
}

}  // namespace
}  // namespace s1c::s1
