// metrics.listen: one parser for the config check and the status server.
#include "s1c/core/host_port.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace s1c {
namespace {

using ::testing::HasSubstr;

std::pair<std::string, int> HostPort(std::string_view text) {
  Result<ListenAddress> a = ParseListenAddress(text);
  EXPECT_TRUE(a.ok()) << text << ": " << a.status().message();
  return a.ok() ? std::make_pair(a->host, a->port) : std::make_pair(std::string(), -1);
}

std::string ErrorOf(std::string_view text) {
  Result<ListenAddress> a = ParseListenAddress(text);
  EXPECT_FALSE(a.ok()) << text;
  if (a.ok()) return "";
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument) << text;
  return a.status().message();
}

TEST(ParseListenAddressTest, AcceptsHostPortForms) {
  EXPECT_EQ(HostPort("127.0.0.1:9464"), std::make_pair(std::string("127.0.0.1"), 9464));
  EXPECT_EQ(HostPort("0.0.0.0:0"), std::make_pair(std::string("0.0.0.0"), 0));
  EXPECT_EQ(HostPort("[::1]:9464"), std::make_pair(std::string("::1"), 9464));
  EXPECT_EQ(HostPort("[::]:80"), std::make_pair(std::string("::"), 80));
  EXPECT_EQ(HostPort("localhost:65535"), std::make_pair(std::string("localhost"), 65535));
}

TEST(ParseListenAddressTest, SaysWhatIsWrong) {
  EXPECT_THAT(ErrorOf("127.0.0.1"), HasSubstr("port is missing"));
  // No guess between this machine and every interface: the host is required.
  EXPECT_THAT(ErrorOf(":9464"), HasSubstr("host is empty"));
  EXPECT_THAT(ErrorOf(":9464"), HasSubstr("127.0.0.1:PORT"));
  EXPECT_THAT(ErrorOf("127.0.0.1:65536"), HasSubstr("between 0 and 65535"));
  EXPECT_THAT(ErrorOf("http://127.0.0.1:9464"), HasSubstr("without a scheme"));
  EXPECT_THAT(ErrorOf("::1:9464"), HasSubstr("brackets"));
}

TEST(ParseListenAddressTest, RejectsMalformed) {
  for (const char* bad : {"", "9464", "host:", "host:x", "host:70000", "::1:9464", "[::1]9464",
                          "[::1", "host:123456", "[]:80", "a b:80", "-x:80", "[::1]"}) {
    ErrorOf(bad);
  }
}

}  // namespace
}  // namespace s1c
