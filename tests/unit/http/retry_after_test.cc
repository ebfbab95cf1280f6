#include "s1c/http/retry_after.h"

#include <gtest/gtest.h>

#include <string>

namespace s1c::http {
namespace {

using std::chrono::milliseconds;

// 2026-01-01T00:00:00Z, a Thursday.
constexpr int64_t kNow = 1767225600000000;

TEST(RetryAfterTest, DeltaSeconds) {
  EXPECT_EQ(ParseRetryAfter("120", kNow), milliseconds(120000));
  EXPECT_EQ(ParseRetryAfter("0", kNow), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("007", kNow), milliseconds(7000));
  EXPECT_EQ(ParseRetryAfter("86400", kNow), milliseconds(86400000));
}

TEST(RetryAfterTest, DeltaSecondsIgnoresSurroundingWhitespace) {
  EXPECT_EQ(ParseRetryAfter("  5\t", kNow), milliseconds(5000));
}

TEST(RetryAfterTest, DeltaSecondsDoesNotDependOnNow) {
  EXPECT_EQ(ParseRetryAfter("3", 0), milliseconds(3000));
  EXPECT_EQ(ParseRetryAfter("3", kNow + 123456), milliseconds(3000));
}

TEST(RetryAfterTest, RejectsMalformedDeltaSeconds) {
  for (const char* bad :
       {"", "   ", "-5", "+5", "1.5", "12abc", "1 2", "0x10", "5s", "abc", "\xe2\x88\x9e"}) {
    EXPECT_EQ(ParseRetryAfter(bad, kNow), std::nullopt) << bad;
  }
}

TEST(RetryAfterTest, RejectsHugeDeltaSecondsInsteadOfOverflowing) {
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999999999", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("9223372036854775807", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("18446744073709551617", kNow), std::nullopt);
  // Large but representable values are kept (the caller caps the wait).
  EXPECT_EQ(ParseRetryAfter("31536000", kNow), milliseconds(31536000000));
}

TEST(RetryAfterTest, ImfFixdateInTheFuture) {
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 2026 00:02:00 GMT", kNow), milliseconds(120000));
  EXPECT_EQ(ParseRetryAfter("Fri, 02 Jan 2026 00:00:00 GMT", kNow), milliseconds(86400000));
}

TEST(RetryAfterTest, ImfFixdateAccountsForSubSecondNow) {
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 2026 00:02:00 GMT", kNow + 500000), milliseconds(119500));
}

TEST(RetryAfterTest, ImfFixdateRoundsUpToWholeMilliseconds) {
  // 1.5 ms before the named second: never retry early.
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 2026 00:00:00 GMT", kNow - 1500), milliseconds(2));
}

TEST(RetryAfterTest, PastOrPresentDateGivesZero) {
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", kNow), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 2026 00:00:00 GMT", kNow), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 31 Dec 2025 23:59:59 GMT", kNow), milliseconds(0));
}

TEST(RetryAfterTest, ImfFixdateHandlesLeapYears) {
  // 2028 is a leap year: 29 Feb exists; 2026 has none.
  EXPECT_EQ(ParseRetryAfter("Tue, 29 Feb 2028 00:00:00 GMT", kNow),
            milliseconds(int64_t{789} * 86400 * 1000));
  EXPECT_EQ(ParseRetryAfter("Sun, 29 Feb 2026 00:00:00 GMT", kNow), std::nullopt);
}

TEST(RetryAfterTest, ImfFixdateToleratesCaseInNames) {
  EXPECT_EQ(ParseRetryAfter("thu, 01 JAN 2026 00:00:10 GMT", kNow), milliseconds(10000));
}

TEST(RetryAfterTest, RejectsMalformedImfFixdate) {
  for (const char* bad : {
           "Thu, 01 Jan 2026 00:02:00",        // No zone.
           "Thu, 01 Jan 2026 00:02:00 UTC",    // Only GMT is allowed.
           "Thu, 01 Jan 2026 00:02:00 GMT x",  // Trailing junk.
           "Thu, 1 Jan 2026 00:02:00 GMT",     // Day must be two digits.
           "Thu, 32 Jan 2026 00:02:00 GMT",    // No such day.
           "Thu, 00 Jan 2026 00:02:00 GMT",    // No such day.
           "Thu, 31 Apr 2026 00:02:00 GMT",    // No such day.
           "Thu, 01 Foo 2026 00:02:00 GMT",    // No such month.
           "Xyz, 01 Jan 2026 00:02:00 GMT",    // No such weekday.
           "Thu, 01 Jan 2026 24:00:00 GMT",    // No such hour.
           "Thu, 01 Jan 2026 00:60:00 GMT",    // No such minute.
           "Thu, 01 Jan 2026 00:00:61 GMT",    // No such second.
           "Thu, 01 Jan 26 00:02:00 GMT",      // Two-digit year.
           "Thu 01 Jan 2026 00:02:00 GMT",     // Missing comma.
           "Thu, 01 Jan 2026 0:02:00 GMT",     // One-digit hour.
           "2026-01-01T00:02:00Z",             // ISO-8601 is not an HTTP-date.
           "Thu, 01 Jan 2026 00:02:00 GMT\n",  // A control byte.
       }) {
    EXPECT_EQ(ParseRetryAfter(bad, kNow), std::nullopt) << bad;
  }
}

TEST(RetryAfterTest, LeapSecondIsAccepted) {
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 2026 00:00:60 GMT", kNow), milliseconds(60000));
}

TEST(RetryAfterTest, Rfc850Date) {
  EXPECT_EQ(ParseRetryAfter("Thursday, 01-Jan-26 00:01:00 GMT", kNow), milliseconds(60000));
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", kNow), milliseconds(0));
}

TEST(RetryAfterTest, Rfc850TwoDigitYearMoreThan50YearsAheadMeansLastCentury) {
  // RFC 9110 section 5.6.7. Now is 2026: "76" is 2076, "77" is 1977.
  EXPECT_EQ(ParseRetryAfter("Wednesday, 01-Jan-76 00:00:00 GMT", kNow),
            milliseconds(int64_t{18262} * 86400 * 1000));
  EXPECT_EQ(ParseRetryAfter("Saturday, 01-Jan-77 00:00:00 GMT", kNow), milliseconds(0));
}

TEST(RetryAfterTest, RejectsMalformedRfc850Date) {
  EXPECT_EQ(ParseRetryAfter("Thu, 01-Jan-26 00:01:00 GMT", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Thursday, 01-Jan-2026 00:01:00 GMT", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Thursday, 30-Feb-26 00:01:00 GMT", kNow), std::nullopt);
}

TEST(RetryAfterTest, AsctimeDate) {
  EXPECT_EQ(ParseRetryAfter("Thu Jan  1 00:00:30 2026", kNow), milliseconds(30000));
  EXPECT_EQ(ParseRetryAfter("Thu Jan 01 00:00:30 2026", kNow), milliseconds(30000));
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", kNow), milliseconds(0));
}

TEST(RetryAfterTest, RejectsMalformedAsctimeDate) {
  EXPECT_EQ(ParseRetryAfter("Thu Jan 1 00:00:30 2026", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Thu Jan  1 00:00:30 2026 GMT", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Thu Jan  1 00:00:30 26", kNow), std::nullopt);
}

TEST(RetryAfterTest, NeverThrowsOnArbitraryBytes) {
  const std::string with_nul(
      "12\0"
      "3",
      4);
  EXPECT_EQ(ParseRetryAfter(with_nul, kNow), std::nullopt);
  std::string junk;
  for (int i = 0; i < 256; ++i) {
    junk.push_back(static_cast<char>(i));
    (void)ParseRetryAfter(junk, kNow);
    (void)ParseRetryAfter(std::string_view(junk).substr(i / 2), kNow);
  }
  for (std::string_view prefix : {"Thu, 01 Jan 2026 00:02:00 GMT",
                                  "Thursday, 01-Jan-26 00:01:00 GMT", "Thu Jan  1 00:00:30 2026"}) {
    // Every truncation of a valid date is rejected, never read past its end.
    for (size_t n = 0; n < prefix.size(); ++n) {
      EXPECT_EQ(ParseRetryAfter(prefix.substr(0, n), kNow), std::nullopt) << prefix.substr(0, n);
    }
  }
}

}  // namespace
}  // namespace s1c::http
