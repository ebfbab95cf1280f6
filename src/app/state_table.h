// The table `state show` prints (pure, unit-tested).
#pragma once

#include <cstdint>
#include <string>

#include "s1c/config/config.h"
#include "s1c/state/file_state_store.h"

namespace s1c::app {

// One row per checkpoint file (unreadable ones included, marked
// "unreadable"), plus one per enabled stream of the configuration that has
// no checkpoint yet. Columns: console, checkpoint name, watermark, lag
// (now - watermark; "-" for backfills, whose note says how far they got),
// boundary key count, events done, updated at, note.
std::string FormatStateTable(const state::StateListing& listing, const config::Config& config,
                             int64_t now_us);

}  // namespace s1c::app
