// config::ParseConfig: the whole config checker (JSON with comments, every
// key and value, secrets, URLs). Besides not crashing, an inline api_token
// or intake_key must never be echoed in an error or a warning.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_target.h"
#include "s1c/config/config.h"
#include "s1c/s1/streams.h"

namespace {

using nlohmann::json;

const std::vector<s1c::config::KnownStream>& Known() {
  static const auto* known = [] {
    auto* k = new std::vector<s1c::config::KnownStream>;
    for (const auto& spec : s1c::s1::AllStreams()) {
      s1c::config::KnownStream known;
      known.name = spec.name;
      known.enabled_by_default = spec.enabled_by_default;
      known.graphql = spec.kind == s1c::s1::StreamKind::kGraphql;
      k->push_back(std::move(known));
    }
    return k;
  }();
  return *known;
}

// Every key and string value of the document.
void Strings(const json& v, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->push_back(v.get<std::string>());
  } else if (v.is_object()) {
    for (const auto& [k, child] : v.items()) {
      out->push_back(k);
      Strings(child, out);
    }
  } else if (v.is_array()) {
    for (const auto& child : v) Strings(child, out);
  }
}

struct InlineSecret {
  std::string value;
  json redacted_doc;  // The document with this secret replaced by "QQQ...".
};

// Inline secrets that appear nowhere else in the document (else an echo of
// the other place would be a false alarm).
std::vector<InlineSecret> UniqueInlineSecrets(std::string_view text) {
  std::vector<InlineSecret> secrets;
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (doc.is_discarded() || !doc.is_object()) return secrets;
  auto consoles = doc.find("consoles");
  if (consoles == doc.end() || !consoles->is_array()) return secrets;
  std::vector<std::string> all;
  Strings(doc, &all);
  for (size_t i = 0; i < consoles->size(); ++i) {
    const json& c = (*consoles)[i];
    if (!c.is_object()) continue;
    for (const char* field : {"api_token", "intake_key"}) {
      auto it = c.find(field);
      if (it == c.end() || !it->is_string()) continue;
      const std::string& secret = it->get_ref<const std::string&>();
      if (secret.size() < 8) continue;
      size_t containing = 0;
      for (const std::string& s : all) containing += s.find(secret) != std::string::npos;
      if (containing != 1) continue;
      InlineSecret found{secret, doc};
      found.redacted_doc["consoles"][i][field] = std::string(secret.size(), 'Q');
      secrets.push_back(std::move(found));
    }
  }
  return secrets;
}

// The messages of parsing `text`: the error, or the warnings.
std::string Messages(std::string_view text) {
  auto config =
      s1c::config::ParseConfig(text, "fuzz.json", Known(), "/nonexistent-s1c-fuzz");
  if (!config.ok()) return config.status().message();
  std::string all;
  for (const std::string& w : config->warnings) all += w + "\n";
  return all;
}

// A secret found in the messages leaked unless the same text is there when
// the secret is replaced (then it is message text that happens to match).
bool Leaks(const std::string& messages, const InlineSecret& secret) {
  if (messages.find(secret.value) == std::string::npos) return false;
  return Messages(secret.redacted_doc.dump()).find(secret.value) == std::string::npos;
}

}  // namespace

S1C_FUZZ_TARGET(FuzzConfig) {
  const std::string_view text = AsText(data, size);
  // Relative secret files and ca_file resolve against a directory that does
  // not exist, so the fuzzer reads no real file by accident.
  auto config = s1c::config::ParseConfig(text, "fuzz.json", Known(), "/nonexistent-s1c-fuzz");
  if (!config.ok()) {
    S1C_FUZZ_CHECK(config.status().code() == s1c::StatusCode::kInvalidArgument);
  } else {
    S1C_FUZZ_CHECK(!config->consoles.empty());
  }
  const std::string messages = Messages(text);
  for (const InlineSecret& s : UniqueInlineSecrets(text)) S1C_FUZZ_CHECK(!Leaks(messages, s));
  return 0;
}
