// The allocator's thresholds, fixed at start. Each page of 1,000 events is
// received into a new buffer of 1-2 MB (the intake's bodies are pooled,
// intake/forwarder.cc; a page's buffer lives on in its events), and a few
// are alive at once. glibc's dynamic thresholds give the free space at the
// top of an arena back to the kernel once it exceeds twice the largest
// separately mapped buffer freed so far (one page's worth here), which a
// drained pipeline soon does; the next pages then fault those megabytes in
// again, 4 KB at a time: 30,000-40,000 faults per million events in a
// backfill working through a backlog, a quarter of its kernel time
// (bench/README.md, "malloc thresholds"; a console paced slower than the
// collector gives far fewer). Fixed thresholds keep them mapped.
#pragma once

#include <string_view>

namespace s1c::app {

// Allocations below this come from the arenas, not from their own mmap: the
// largest threshold glibc's dynamic scheme reaches on 64-bit, so a page
// buffer of any size it would have kept in an arena stays there from the
// first page on.
inline constexpr int kMallocMmapThresholdBytes = 32 * 1024 * 1024;
// Free space at the top of an arena kept for reuse up to this: a few pages'
// buffers, so a drained pipeline keeps them; when more is free (after a
// burst of large pages), it goes back to the kernel.
inline constexpr int kMallocTrimThresholdBytes = 8 * 1024 * 1024;

// Whether the operator already tunes malloc through GLIBC_TUNABLES (its
// value, or empty when unset): their settings win.
bool OperatorTunesMalloc(std::string_view glibc_tunables);

// Sets both thresholds unless the environment's GLIBC_TUNABLES sets any
// glibc.malloc tunable. Call first in main, before other threads start.
void TuneMalloc();

}  // namespace s1c::app
