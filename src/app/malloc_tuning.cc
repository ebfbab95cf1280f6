#include "malloc_tuning.h"

#include <malloc.h>

#include <cstdlib>

namespace s1c::app {

bool OperatorTunesMalloc(std::string_view glibc_tunables) {
  return glibc_tunables.find("glibc.malloc.") != std::string_view::npos;
}

void TuneMalloc() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && OperatorTunesMalloc(tunables)) return;
  // Either call also turns off the dynamic adjustment of both.
  mallopt(M_MMAP_THRESHOLD, kMallocMmapThresholdBytes);
  mallopt(M_TRIM_THRESHOLD, kMallocTrimThresholdBytes);
}

}  // namespace s1c::app
