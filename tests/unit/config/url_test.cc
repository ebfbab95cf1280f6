#include "url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace s1c::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Console(const std::string& url) {
  auto r = NormalizeServiceUrl(url, UrlKind::kConsole);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}

std::string Intake(const std::string& url) {
  auto r = NormalizeServiceUrl(url, UrlKind::kIntake);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}

TEST(UrlTest, ConsoleUrlsAreNormalised) {
  EXPECT_EQ(Console("usea1.sentinelone.net"), "https://usea1.sentinelone.net");
  EXPECT_EQ(Console("usea1.sentinelone.net:8443"), "https://usea1.sentinelone.net:8443");
  EXPECT_EQ(Console("https://usea1.sentinelone.net/"), "https://usea1.sentinelone.net");
  EXPECT_EQ(Console("HTTPS://UseA1.SentinelOne.net"), "https://usea1.sentinelone.net");
  EXPECT_EQ(Console("https://x.sentinelone.net/web/api/v2.1"), "https://x.sentinelone.net");
  EXPECT_EQ(Console("https://x.sentinelone.net/web/api/v2.1/"), "https://x.sentinelone.net");
  EXPECT_EQ(Console("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
  EXPECT_EQ(Console("http://[::1]:8080"), "http://[::1]:8080");
  EXPECT_EQ(Console("https://[2001:db8::1]"), "https://[2001:db8::1]");
}

TEST(UrlTest, IntakeUrlsKeepTheirPath) {
  EXPECT_EQ(Intake("https://intake.sekoia.io"), "https://intake.sekoia.io");
  EXPECT_EQ(Intake("https://intake.sekoia.io/"), "https://intake.sekoia.io");
  EXPECT_EQ(Intake("https://intake.usa1.sekoia.io/api/v1/intake-http/"),
            "https://intake.usa1.sekoia.io/api/v1/intake-http");
  EXPECT_EQ(Intake("intake.sekoia.io"), "https://intake.sekoia.io");
  EXPECT_EQ(Intake("http://localhost:9000"), "http://localhost:9000");
  EXPECT_THAT(Intake("https://intake.sekoia.io/batch"), HasSubstr("appends /batch"));
}

TEST(UrlTest, RejectsWhatCannotBeRight) {
  EXPECT_THAT(Console(""), HasSubstr("must not be empty"));
  EXPECT_THAT(Console("ftp://x.example"), HasSubstr("unsupported scheme"));
  EXPECT_THAT(Console("http://x.example"),
              HasSubstr("plain http:// is only allowed for loopback hosts; use https://"));
  EXPECT_THAT(Console("http://128.0.0.1"), HasSubstr("loopback"));
  EXPECT_THAT(Console("http://localhost.evil.com"), HasSubstr("loopback"));
  EXPECT_THAT(Console("http://127.0.0.1.evil.com"), HasSubstr("loopback"));
  EXPECT_THAT(Console("https://x.example?x=1"), HasSubstr("query"));
  EXPECT_THAT(Console("https://x.example#frag"), HasSubstr("fragment"));
  EXPECT_THAT(Console("https://x.example:0"), HasSubstr("invalid port"));
  EXPECT_THAT(Console("https://x.example:65536"), HasSubstr("invalid port"));
  EXPECT_THAT(Console("https://x.example:"), HasSubstr("invalid port"));
  EXPECT_THAT(Console("https://x.example:8a"), HasSubstr("invalid port"));
  EXPECT_THAT(Console("https://"), HasSubstr("the host is empty"));
  EXPECT_THAT(Console("https://x .example"), HasSubstr("spaces"));
  EXPECT_THAT(Console("https://x_y!.example"), HasSubstr("not a valid host name"));
  EXPECT_THAT(Console("https://::1"), HasSubstr("brackets"));
  EXPECT_THAT(Console("https://[::1"), HasSubstr("closing"));
  EXPECT_THAT(Console("https://x.example/api"), HasSubstr("unexpected path"));
  const std::string creds = Console("https://admin:hunter2@x.example");
  EXPECT_THAT(creds, HasSubstr("must not contain credentials"));
  EXPECT_THAT(creds, Not(HasSubstr("hunter2")));
}

TEST(UrlTest, Loopback) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.255.1.2"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("[::1]"));
  EXPECT_FALSE(IsLoopbackHost("127.0.0"));
  EXPECT_FALSE(IsLoopbackHost("127.0.0.256"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("localhost.example"));
}

TEST(UrlTest, ProxyUrls) {
  for (const char* ok : {"http://proxy.corp:3128", "https://proxy.corp", "socks5://127.0.0.1:1080",
                         "socks5h://p:1080/", "http://user:pass@proxy.corp:3128"}) {
    EXPECT_TRUE(CheckProxyUrl(ok).ok()) << ok;
  }
  EXPECT_FALSE(CheckProxyUrl("proxy.corp:3128").ok());
  EXPECT_FALSE(CheckProxyUrl("ftp://proxy.corp").ok());
  EXPECT_FALSE(CheckProxyUrl("http://proxy.corp/path").ok());
  EXPECT_FALSE(CheckProxyUrl("http://:3128").ok());
  auto bad = CheckProxyUrl("ftp://user:hunter2@proxy");
  EXPECT_THAT(bad.status().message(), Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace s1c::config
