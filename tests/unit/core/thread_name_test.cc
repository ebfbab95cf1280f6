#include "s1c/core/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <string>
#include <thread>

namespace s1c {
namespace {

// The name the calling thread has, as `top -H` and `ps -L` read it.
std::string CurrentThreadName() {
  std::array<char, 16> name{};
  EXPECT_EQ(pthread_getname_np(pthread_self(), name.data(), name.size()), 0);
  return name.data();
}

TEST(ThreadNameTest, NamesTheCallingThreadOnly) {
  const std::string before = CurrentThreadName();
  std::string seen;
  std::thread worker([&] {
    NameThisThread("s1c-http");
    seen = CurrentThreadName();
  });
  worker.join();
  EXPECT_EQ(seen, "s1c-http");
  EXPECT_EQ(CurrentThreadName(), before);
}

TEST(ThreadNameTest, CutsANameOverFifteenBytes) {
  std::string seen;
  std::thread worker([&] {
    NameThisThread("s1c-a-much-longer-name");
    seen = CurrentThreadName();
  });
  worker.join();
  EXPECT_EQ(seen, "s1c-a-much-long");
}

}  // namespace
}  // namespace s1c
