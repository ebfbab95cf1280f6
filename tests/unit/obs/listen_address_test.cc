#include <gtest/gtest.h>

#include "s1c/obs/status_server.h"

namespace s1c::obs {
namespace {

TEST(ParseListenAddressTest, AcceptsHostPortForms) {
  EXPECT_EQ(*ParseListenAddress("127.0.0.1:9464"), std::make_pair(std::string("127.0.0.1"), 9464));
  EXPECT_EQ(*ParseListenAddress("0.0.0.0:0"), std::make_pair(std::string("0.0.0.0"), 0));
  EXPECT_EQ(*ParseListenAddress("[::1]:9464"), std::make_pair(std::string("::1"), 9464));
  EXPECT_EQ(*ParseListenAddress("localhost:80"), std::make_pair(std::string("localhost"), 80));
}

TEST(ParseListenAddressTest, DefaultsToLoopback) {
  EXPECT_EQ(*ParseListenAddress(":9464"), std::make_pair(std::string("127.0.0.1"), 9464));
}

TEST(ParseListenAddressTest, RejectsMalformed) {
  for (const char* bad : {"", "9464", "host:", "host:x", "host:70000", "::1:9464", "[::1]9464",
                          "[::1", "host:123456"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
    EXPECT_EQ(ParseListenAddress(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace s1c::obs
