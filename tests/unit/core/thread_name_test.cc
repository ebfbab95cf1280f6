#include "s1c/core/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <string>
#include <string_view>

namespace s1c {
namespace {

// The name the calling thread has, as `top -H` and `ps -L` read it.
std::string CurrentThreadName() {
  std::array<char, 16> name{};
  EXPECT_EQ(pthread_getname_np(pthread_self(), name.data(), name.size()), 0);
  return name.data();
}

// The name a thread started by NamedThread(name, ...) sees for itself.
std::string NameSeenInside(std::string_view name) {
  std::string seen;
  NamedThread(name, [&seen] { seen = CurrentThreadName(); }).join();
  return seen;
}

TEST(ThreadNameTest, NamesTheNewThreadOnly) {
  const std::string before = CurrentThreadName();
  EXPECT_EQ(NameSeenInside("s1c-http"), "s1c-http");
  EXPECT_EQ(CurrentThreadName(), before);
}

TEST(ThreadNameTest, CutsANameOverFifteenBytes) {
  EXPECT_EQ(NameSeenInside("s1c-a-much-longer-name"), "s1c-a-much-long");
}

}  // namespace
}  // namespace s1c
