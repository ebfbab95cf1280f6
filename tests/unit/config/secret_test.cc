#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "s1c/config/config.h"
#include "test_env.h"

namespace s1c::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::ScopedEnv;
using testing_support::TempDir;

TEST(SecretRefTest, DescribeNeverShowsTheValue) {
  EXPECT_EQ((SecretRef{SecretRef::Kind::kLiteral, "hunter2"}).Describe(), "inline value");
  EXPECT_EQ((SecretRef{SecretRef::Kind::kEnv, "S1_TOKEN_EU"}).Describe(), "env S1_TOKEN_EU");
  EXPECT_EQ((SecretRef{SecretRef::Kind::kFile, "/run/credentials/x"}).Describe(),
            "file /run/credentials/x");
}

TEST(ResolveSecretTest, LiteralIsTrimmed) {
  auto r = ResolveSecret({SecretRef::Kind::kLiteral, "  abc \n"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "abc");
}

TEST(ResolveSecretTest, EnvIsReadOnEveryCall) {
  ScopedEnv env;
  env.Set("S1C_TEST_SECRET", "one\n");
  const SecretRef ref{SecretRef::Kind::kEnv, "S1C_TEST_SECRET"};
  EXPECT_EQ(*ResolveSecret(ref), "one");
  env.Set("S1C_TEST_SECRET", "two");
  EXPECT_EQ(*ResolveSecret(ref), "two");
  env.Unset("S1C_TEST_SECRET");
  auto r = ResolveSecret(ref);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "environment variable S1C_TEST_SECRET is not set or empty");
}

TEST(ResolveSecretTest, FileRotationIsPickedUp) {
  TempDir dir;
  const std::string path = dir.Write("token", "first-token\n");
  const SecretProvider provider = MakeSecretProvider({SecretRef::Kind::kFile, path});
  EXPECT_EQ(*provider(), "first-token");
  dir.Write("token", "\r\n  second-token  \r\n");
  EXPECT_EQ(*provider(), "second-token");
  EXPECT_EQ(*ResolveSecret({SecretRef::Kind::kFile, path}), "second-token");
}

TEST(ResolveSecretTest, FileErrorsNamePathNotValue) {
  TempDir dir;
  auto missing = ResolveSecret({SecretRef::Kind::kFile, dir.Join("nope")});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "cannot read file " + dir.Join("nope") + ": No such file or directory");

  const std::string empty = dir.Write("empty", " \n\n");
  auto e = ResolveSecret({SecretRef::Kind::kFile, empty});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "file " + empty + " is empty");

  const std::string two_lines = dir.Write("two", "secret-part-1\nsecret-part-2\n");
  auto t = ResolveSecret({SecretRef::Kind::kFile, two_lines});
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("contains a control character"));
  EXPECT_THAT(t.status().message(), Not(HasSubstr("secret-part")));

  auto d = ResolveSecret({SecretRef::Kind::kFile, dir.path()});
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("cannot read file " + dir.path()));
}

TEST(ResolveSecretTest, OversizedFileIsRefused) {
  TempDir dir;
  const std::string big = dir.Write("big", std::string(70 * 1024, 'a'));
  auto r = ResolveSecret({SecretRef::Kind::kFile, big});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("is larger than"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("aaaa")));
}

}  // namespace
}  // namespace s1c::config
