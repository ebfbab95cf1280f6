// intake::ParseIntakeReply: the Sekoia.io intake's answer to a batch.
#include "fuzz_target.h"
#include "s1c/intake/forwarder.h"

S1C_FUZZ_TARGET(FuzzIntakeReply) {
  const std::string_view body = AsText(data, size);
  auto ids = s1c::intake::ParseIntakeReply(body);
  if (!ids.ok()) {
    S1C_FUZZ_CHECK(ids.status().code() == s1c::StatusCode::kCorrupt);
    S1C_FUZZ_CHECK(ids.status().message().size() < 400);  // An excerpt, not the body.
  }
  return 0;
}
