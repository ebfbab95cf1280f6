// One libFuzzer target per file (tests/fuzz/*_fuzz.cc). Each file defines its
// entry point with S1C_FUZZ_TARGET(Name) { ... }, which becomes
// s1c::fuzz::Name(data, size) plus, in a fuzzing build, the
// LLVMFuzzerTestOneInput that calls it. The regression test compiles the
// same files with S1C_FUZZ_REPLAY defined and replays the corpus and every
// saved crash input through s1c::fuzz::Name, so crash inputs stay tested in
// the ordinary (gcc, optionally sanitized) unit build.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace s1c::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// An invariant of the code under test does not hold: report and crash, so
// libFuzzer saves the input (and the replay test fails).
[[noreturn]] inline void Fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", file, line, what);
  std::abort();
}

}  // namespace s1c::fuzz

#define S1C_FUZZ_CHECK(cond)                                   \
  do {                                                         \
    if (!(cond)) ::s1c::fuzz::Fail(__FILE__, __LINE__, #cond); \
  } while (0)

#ifdef S1C_FUZZ_REPLAY
#define S1C_FUZZ_MAIN(name)
#else
#define S1C_FUZZ_MAIN(name)                                                 \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    return ::s1c::fuzz::name(data, size);                                   \
  }
#endif

#define S1C_FUZZ_TARGET(name)                          \
  namespace s1c::fuzz {                                \
  int name(const uint8_t* data, size_t size);          \
  }                                                    \
  S1C_FUZZ_MAIN(name)                                  \
  int s1c::fuzz::name(const uint8_t* data, size_t size)
