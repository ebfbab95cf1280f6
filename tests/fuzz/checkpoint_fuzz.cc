// state::DecodeCheckpoint: a state file may be truncated, edited by hand or
// written by another version. Whatever decodes must encode and decode again
// to the same checkpoint.
#include "fuzz_target.h"
#include "s1c/state/file_state_store.h"

namespace {

bool Same(const s1c::state::Checkpoint& a, const s1c::state::Checkpoint& b) {
  return a.watermark == b.watermark && a.watermark_us == b.watermark_us &&
         a.boundary_keys == b.boundary_keys && a.sweep_us == b.sweep_us &&
         a.updated_at == b.updated_at && a.events_done == b.events_done;
}

}  // namespace

S1C_FUZZ_TARGET(FuzzCheckpoint) {
  const std::string_view text = AsText(data, size);
  auto cp = s1c::state::DecodeCheckpoint(text, "/state/console/stream.json");
  if (!cp.ok()) {
    S1C_FUZZ_CHECK(cp.status().code() == s1c::StatusCode::kCorrupt);
    S1C_FUZZ_CHECK(cp.status().message().find("/state/console/stream.json") != std::string::npos);
    S1C_FUZZ_CHECK(cp.status().message().size() < 800);
    return 0;
  }
  const std::string encoded = s1c::state::EncodeCheckpoint(*cp);
  auto again = s1c::state::DecodeCheckpoint(encoded, "re-encoded");
  S1C_FUZZ_CHECK(again.ok());
  S1C_FUZZ_CHECK(Same(*cp, *again));
  return 0;
}
