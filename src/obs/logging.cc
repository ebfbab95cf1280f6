#include "s1c/obs/logging.h"

#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"

#include <unistd.h>

#include <cstdio>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace s1c::obs {
namespace {

// Formats each record as one JSON object per line:
// {"time":"2026-01-01T00:00:00.000000Z","level":"info","msg":"..."}
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(
                               msg.time.time_since_epoch())
                               .count();
    const std::string stamp = FormatIsoTime(micros);
    const auto level = spdlog::level::to_string_view(msg.level);
    std::string line = std::string("{\"time\":\"") + stamp + "\",\"level\":\"" +
                       std::string(level.data(), level.size()) + "\",\"msg\":\"" +
                       JsonEscape(std::string_view(msg.payload.data(), msg.payload.size())) + "\"}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>();
  }
};

}  // namespace

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      // A JSON line must be valid UTF-8 whatever a message quotes.
      const size_t len = Utf8SequenceLength(text, i);
      if (len == 0) {
        out += "\\ufffd";
      } else {
        out.append(text, i, len);
        i += len - 1;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

Status SetupLogging(const LogOptions& options) {
  const auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return InvalidArgument("unknown log level \"" + options.level +
                           "\" (use trace, debug, info, warn or error)");
  }
  auto logger = std::make_shared<spdlog::logger>(
      "s1-collector", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (options.format == "json") {
    logger->set_formatter(std::make_unique<JsonLineFormatter>());
  } else if (options.format == "text") {
    // On a terminal the time is for humans; under systemd journald adds its own.
    logger->set_pattern(isatty(STDERR_FILENO) ? "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v" : "%^%l%$ %v");
  } else {
    return InvalidArgument("unknown log format \"" + options.format + "\" (use text or json)");
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return Status::Ok();
}

}  // namespace s1c::obs
