// The verdicts of `check-config --online`, one per console call, decided
// from the raw answers so they can be unit-tested without a network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "s1c/core/status.h"
#include "s1c/http/transport.h"
#include "s1c/intake/forwarder.h"
#include "s1c/s1/client.h"
#include "s1c/s1/page.h"

namespace s1c::app {

enum class CheckLevel { kOk, kWarn, kFail };

struct CheckLine {
  CheckLevel level = CheckLevel::kOk;
  std::string text;  // One sentence for humans; never a secret.
};

// "ok", "WARN", "FAIL".
const char* CheckLevelLabel(CheckLevel level);

// Tokens expiring within this many days get a warning.
inline constexpr int kTokenExpiryWarningDays = 14;

// GET system/info: reachable and the token accepted, or why not. A 403
// still means the token was accepted (it is authenticated, just not allowed
// to read system info).
CheckLine ApiCheck(const Result<std::string>& system_info);

// Whether a failed GET system/info means the console cannot answer now
// (transport failure or 5xx): no point in trying the other calls to it.
bool Unreachable(const Status& status);

// users/api-token-details: expiry in the past fails, within
// kTokenExpiryWarningDays warns, no expiry or a later one is ok. A failed
// call is a warning: consoles do not all let every token read its details.
CheckLine ExpiryCheck(const Result<s1::TokenDetails>& details, int64_t now_us);

// One page (limit=1) of a stream: 401 and 403 name the permission the
// stream needs.
CheckLine StreamCheck(const s1::StreamSpec& spec, const Result<s1::Page>& page);

// What the intake's answer to an empty batch (intake::Forwarder::Probe)
// says: 2xx means the key was accepted and 401/403 that it was refused. Any
// other answer leaves the key unverified, which counts as a failure: a check
// that cannot tell must not pass (see docs/commands.md).
CheckLine IntakeCheck(const intake::ProbeResult& probe);

}  // namespace s1c::app
