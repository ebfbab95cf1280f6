#include "http/curl_error.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace s1c::http::internal {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CurlErrorTest, TransientNetworkFailuresAreUnavailable) {
  for (CURLcode code : {CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST,
                        CURLE_COULDNT_RESOLVE_PROXY, CURLE_SEND_ERROR, CURLE_RECV_ERROR,
                        CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY,
                        CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_PROXY}) {
    const Status s = CurlErrorToStatus(code, "intake.example:8443", "some detail");
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << code;
    EXPECT_TRUE(s.IsRetryable()) << code;
    EXPECT_THAT(s.message(), HasSubstr("intake.example:8443")) << code;
    EXPECT_THAT(s.message(), HasSubstr("some detail")) << code;
  }
}

TEST(CurlErrorTest, MessagesSayWhatHappened) {
  EXPECT_THAT(CurlErrorToStatus(CURLE_OPERATION_TIMEDOUT, "h", "Operation timed out after 200 ms")
                  .message(),
              StartsWith("request to host h timed out: Operation timed out"));
  EXPECT_THAT(CurlErrorToStatus(CURLE_COULDNT_CONNECT, "h", "refused").message(),
              StartsWith("could not connect to host h"));
  EXPECT_THAT(CurlErrorToStatus(CURLE_COULDNT_RESOLVE_HOST, "h", "x").message(),
              StartsWith("could not resolve host h"));
  EXPECT_THAT(CurlErrorToStatus(CURLE_RECV_ERROR, "h", "Connection reset by peer").message(),
              StartsWith("connection to host h failed: Connection reset by peer"));
}

TEST(CurlErrorTest, CertificateFailuresSaySoAndNameTheHost) {
  for (CURLcode code : {CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ISSUER_ERROR,
                        CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_PINNEDPUBKEYNOTMATCH}) {
    const Status s = CurlErrorToStatus(code, "euce1-acme.sentinelone.net",
                                       "SSL certificate problem: self-signed certificate");
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << code;
    EXPECT_EQ(s.message(),
              "TLS certificate verification failed for host euce1-acme.sentinelone.net: "
              "SSL certificate problem: self-signed certificate")
        << code;
  }
}

TEST(CurlErrorTest, UnreadableCaFilePointsAtTheOption) {
  const Status s =
      CurlErrorToStatus(CURLE_SSL_CACERT_BADFILE, "h", "error setting certificate file");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), StartsWith("TLS certificate verification failed for host h"));
  EXPECT_THAT(s.message(), HasSubstr("ca_file"));
}

TEST(CurlErrorTest, HandshakeFailuresAreUnavailable) {
  for (CURLcode code :
       {CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CIPHER, CURLE_SSL_CERTPROBLEM, CURLE_USE_SSL_FAILED}) {
    const Status s = CurlErrorToStatus(code, "h", "wrong version number");
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << code;
    EXPECT_EQ(s.message(), "TLS handshake with host h failed: wrong version number") << code;
  }
}

TEST(CurlErrorTest, AbortFromProgressCallbackIsCancelled) {
  const Status s = CurlErrorToStatus(CURLE_ABORTED_BY_CALLBACK, "h", "Callback aborted");
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
  EXPECT_FALSE(s.IsRetryable());
}

TEST(CurlErrorTest, UndecodableBodyIsCorrupt) {
  const Status s = CurlErrorToStatus(CURLE_BAD_CONTENT_ENCODING, "h", "invalid gzip");
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("invalid gzip"));
}

TEST(CurlErrorTest, RefusedUrlIsInvalidArgument) {
  for (CURLcode code : {CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT}) {
    const Status s = CurlErrorToStatus(code, "h", "Protocol \"file\" not supported");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << code;
    EXPECT_THAT(s.message(), HasSubstr("only http and https")) << code;
  }
}

TEST(CurlErrorTest, UnknownCodesAreUnavailableWithTheCode) {
  const Status s = CurlErrorToStatus(CURLE_OUT_OF_MEMORY, "h", "Out of memory");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "request to host h failed: Out of memory (curl error 27)");
  EXPECT_EQ(CurlErrorToStatus(12345, "h", "?").code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace s1c::http::internal
