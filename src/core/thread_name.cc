#include "s1c/core/thread_name.h"

#include <pthread.h>

#include <string>

namespace s1c {

void NameThisThread(std::string_view name) {
  // pthread_setname_np refuses (ERANGE) a name over 15 bytes instead of
  // cutting it.
  constexpr size_t kMaxNameBytes = 15;
  const std::string kept(name.substr(0, kMaxNameBytes));
  pthread_setname_np(pthread_self(), kept.c_str());
}

}  // namespace s1c
