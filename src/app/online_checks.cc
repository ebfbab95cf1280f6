#include "online_checks.h"

#include <nlohmann/json.hpp>

#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"
#include "s1c/intake/forwarder.h"

namespace s1c::app {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

std::string Day(int64_t us) { return FormatIsoTime(us).substr(0, 10); }

// The "release" of a system/info answer, when present.
std::string Release(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return "";
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) return "";
  const auto release = data->find("release");
  if (release == data->end() || !release->is_string()) return "";
  return Excerpt(release->get<std::string>(), 40);
}

}  // namespace

const char* CheckLevelLabel(CheckLevel level) {
  switch (level) {
    case CheckLevel::kOk:
      return "ok";
    case CheckLevel::kWarn:
      return "WARN";
    case CheckLevel::kFail:
      return "FAIL";
  }
  return "?";
}

bool Unreachable(const Status& status) {
  // Transport failures (connect, TLS, timeout) and 5xx alike: the console
  // cannot answer the other checks either.
  return status.code() == StatusCode::kUnavailable;
}

CheckLine ApiCheck(const Result<std::string>& system_info) {
  if (system_info.ok()) {
    const std::string release = Release(*system_info);
    return {CheckLevel::kOk,
            "API reachable and token accepted (GET system/info" +
                (release.empty() ? std::string(")") : ": release " + release + ")")};
  }
  const Status& st = system_info.status();
  switch (st.code()) {
    case StatusCode::kUnauthenticated:
      return {CheckLevel::kFail,
              "API reachable but the token was rejected (HTTP 401: expired, revoked or wrong; "
              "create a new token or fix api_token): " +
                  st.message()};
    case StatusCode::kPermissionDenied:
      return {CheckLevel::kOk,
              "API reachable and token accepted (GET system/info is not allowed for this token: "
              "HTTP 403; the collector does not need it)"};
    default:
      break;
  }
  if (Unreachable(st))
    return {CheckLevel::kFail, "API unreachable or unavailable: " + st.message()};
  return {CheckLevel::kFail, "API answered with an error: " + st.message()};
}

CheckLine ExpiryCheck(const Result<s1::TokenDetails>& details, int64_t now_us) {
  if (!details.ok()) {
    return {CheckLevel::kWarn, "token expiry unknown (users/api-token-details failed: " +
                                   details.status().message() + ")"};
  }
  if (!details->expires_at_us) {
    return {CheckLevel::kOk, "the console reports no expiry date for this token"};
  }
  const int64_t left = *details->expires_at_us - now_us;
  const std::string when = *details->expires_at;
  if (left <= 0) {
    return {CheckLevel::kFail, "token expired on " + Day(*details->expires_at_us) + " (" + when +
                                   "); create a new one"};
  }
  const int64_t days = (left + kMicrosPerDay / 2) / kMicrosPerDay;  // Nearest whole day.
  const std::string in = days == 0   ? "less than a day"
                         : days == 1 ? "1 day"
                                     : std::to_string(days) + " days";
  if (left < int64_t{kTokenExpiryWarningDays} * kMicrosPerDay) {
    return {CheckLevel::kWarn, "token expires on " + Day(*details->expires_at_us) + " (in " + in +
                                   "); create a new one and update api_token before then"};
  }
  return {CheckLevel::kOk, "token expires on " + Day(*details->expires_at_us) + " (in " + in + ")"};
}

CheckLine StreamCheck(const s1::StreamSpec& spec, const Result<s1::Page>& page) {
  const std::string name(spec.name);
  const std::string permission(spec.permission);
  if (page.ok()) {
    std::string count;
    if (page->total_items)
      count = "; " + std::to_string(*page->total_items) + " events since start_from";
    return {CheckLevel::kOk, name + ": readable, permission " + permission + " present" + count};
  }
  const Status& st = page.status();
  switch (st.code()) {
    case StatusCode::kUnauthenticated:
      return {CheckLevel::kFail, name +
                                     ": HTTP 401, token rejected for this endpoint (expired, "
                                     "revoked, or it lacks permission " +
                                     permission + ")"};
    case StatusCode::kPermissionDenied:
      // site_ids/account_ids scope only rest requests (config warns for graphql).
      return {CheckLevel::kFail,
              name + ": HTTP 403, permission " + permission + " missing" +
                  (spec.kind == s1::StreamKind::kRest
                       ? " (or the token's scope does not cover site_ids/account_ids)"
                       : "") +
                  (spec.forbidden_hint.empty() ? "" : "; " + std::string(spec.forbidden_hint))};
    default:
      return {CheckLevel::kFail, name + ": " + st.message()};
  }
}

CheckLine IntakeCheck(const intake::ProbeResult& probe) {
  const std::string where = "POST " + probe.url;
  if (probe.http_status == 0 && probe.outcome == intake::Outcome::kRejected) {
    return {CheckLevel::kFail, "intake key not tested: " + probe.error.message()};
  }
  if (probe.http_status == 0) {
    return {CheckLevel::kFail, "intake unreachable (" + where + "): " + probe.error.message()};
  }
  const std::string status = "HTTP " + std::to_string(probe.http_status);
  const std::string body = probe.excerpt.empty() ? "" : ": " + probe.excerpt;
  if (probe.outcome == intake::Outcome::kDelivered) {
    if (!probe.intake_reply) {
      // The daemon counts any 2xx as delivered (docs/design.md section 6), so a
      // proxy or portal answering 200 in the intake's place would swallow
      // events: worth a warning here, before it runs.
      return {CheckLevel::kWarn, "intake answered " + status + " but not like a Sekoia.io intake " +
                                     "(expected {\"event_ids\":[...]}" + body + "); check " +
                                     "intake_url and any proxy in between (" + where + ")"};
    }
    return {CheckLevel::kOk,
            "intake key accepted (" + where + " with an empty batch: " + status + ")"};
  }
  const StatusCode code = probe.error.code();
  if (code == StatusCode::kUnauthenticated || code == StatusCode::kPermissionDenied) {
    return {CheckLevel::kFail, "intake key rejected (" + where + ": " + status +
                                   "); check intake_key and that the intake exists"};
  }
  if (probe.http_status == 404) {
    return {CheckLevel::kFail,
            "intake URL not found (" + where + ": " + status +
                "); check intake_url (other regions end in /api/v1/intake-http)"};
  }
  if (probe.outcome == intake::Outcome::kRejected) {
    return {CheckLevel::kFail,
            "intake key NOT verified: the intake refused the empty test batch (" + where + ": " +
                status + body + "), so it did not say whether the key is valid"};
  }
  return {CheckLevel::kFail, "intake unavailable (" + where + ": " + status + body + ")"};
}

}  // namespace s1c::app
