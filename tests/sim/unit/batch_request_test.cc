#include "sink/batch_request.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace s1c::sim {
namespace {

std::string GzipForTest(std::string_view data) {
  z_stream zs{};
  EXPECT_EQ(
      deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
      Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(BatchRequestTest, KeepsEventStringsVerbatim) {
  auto batch = ParseBatchRequest(
      R"({"intake_key":"k","jsons":["{\"a\":1,\"n\":9007199254740993}","{\"s\":\"Société 日本\"}"]})");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->intake_key, "k");
  ASSERT_EQ(batch->events.size(), 2u);
  EXPECT_EQ(batch->events[0], R"({"a":1,"n":9007199254740993})");
  EXPECT_EQ(batch->events[1], "{\"s\":\"Société 日本\"}");
}

TEST(BatchRequestTest, RejectsMalformedBodies) {
  for (std::string_view bad :
       {"", "nope", "[]", R"({"jsons":[]})", R"({"intake_key":1,"jsons":[]})",
        R"({"intake_key":"k"})", R"({"intake_key":"k","jsons":"x"})",
        R"({"intake_key":"k","jsons":[{"a":1}]})"}) {
    auto batch = ParseBatchRequest(bad);
    EXPECT_FALSE(batch.ok()) << bad;
    if (!batch.ok()) {
      EXPECT_FALSE(batch.status().message().empty());
    }
  }
}

TEST(GunzipTest, RoundTripsAndEnforcesLimit) {
  const std::string text(100000, 'x');
  auto out = Gunzip(GzipForTest(text), 200000);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, text);
  auto too_big = Gunzip(GzipForTest(text), 1000);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().code(), StatusCode::kRejected);
  EXPECT_FALSE(Gunzip("not gzip", 1000).ok());
  const std::string gz = GzipForTest(text);
  EXPECT_FALSE(Gunzip(std::string_view(gz).substr(0, gz.size() / 2), 200000).ok());
}

}  // namespace
}  // namespace s1c::sim
