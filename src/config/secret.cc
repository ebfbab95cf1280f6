// SecretRef resolution. Every path here keeps the secret's value out of
// messages: errors name the source (variable name, file path), never the
// content.
#include <cstdlib>

#include "file_read.h"
#include "s1c/config/config.h"

namespace s1c::config {
namespace {

// A token or key is at most a few KiB; a larger file is almost surely the
// wrong file (and /dev/zero must not hang the loader).
constexpr size_t kMaxSecretBytes = 64 * 1024;

std::string_view TrimSpace(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// `source` names the secret ("file /x"); the value is never shown.
Status CheckValue(std::string_view trimmed, const std::string& source) {
  if (trimmed.empty()) return InvalidArgument(source + " is empty");
  for (unsigned char c : trimmed) {
    // A control character would corrupt an HTTP header (or smuggle one in).
    if (c < 0x20 || c == 0x7f) {
      return InvalidArgument(source + " contains a control character or an inner line break");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string SecretRef::Describe() const {
  switch (kind) {
    case Kind::kLiteral:
      return "inline value";
    case Kind::kEnv:
      return "env " + value;
    case Kind::kFile:
      return "file " + value;
  }
  return "unknown";
}

Result<std::string> ResolveSecret(const SecretRef& ref) {
  switch (ref.kind) {
    case SecretRef::Kind::kLiteral: {
      const std::string_view v = TrimSpace(ref.value);
      S1C_RETURN_IF_ERROR(CheckValue(v, "the inline value"));
      return std::string(v);
    }
    case SecretRef::Kind::kEnv: {
      const char* raw = std::getenv(ref.value.c_str());
      const std::string_view v = raw == nullptr ? std::string_view() : TrimSpace(raw);
      if (v.empty()) return NotFound("environment variable " + ref.value + " is not set or empty");
      S1C_RETURN_IF_ERROR(CheckValue(v, "environment variable " + ref.value));
      return std::string(v);
    }
    case SecretRef::Kind::kFile: {
      auto data = ReadFileLimited(ref.value, kMaxSecretBytes);
      if (!data.ok()) return data.status();
      const std::string_view v = TrimSpace(*data);
      S1C_RETURN_IF_ERROR(CheckValue(v, "file " + ref.value));
      return std::string(v);
    }
  }
  return Internal("unknown secret kind");
}

SecretProvider MakeSecretProvider(SecretRef ref) {
  return [ref = std::move(ref)]() { return ResolveSecret(ref); };
}

}  // namespace s1c::config
