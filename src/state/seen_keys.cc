#include "s1c/state/seen_keys.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "s1c/core/text.h"

namespace s1c::state {
namespace {

constexpr int kVersion = 1;
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kBase64[n & 63] : '=';
  }
  return out;
}

bool Unbase64(std::string_view text, std::string* out) {
  if (text.size() % 4 != 0) return false;
  std::array<int, 256> value;
  value.fill(-1);
  for (size_t i = 0; i < kBase64.size(); ++i)
    value[static_cast<uint8_t>(kBase64[i])] = static_cast<int>(i);
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++pad;
        n <<= 6;
        continue;
      }
      if (pad > 0 || value[static_cast<uint8_t>(c)] < 0) return false;
      n = (n << 6) | static_cast<uint32_t>(value[static_cast<uint8_t>(c)]);
    }
    out->push_back(static_cast<char>((n >> 16) & 0xff));
    if (pad < 2) out->push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out->push_back(static_cast<char>(n & 0xff));
  }
  return true;
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view in, size_t* pos, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && *pos < in.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in[(*pos)++]);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

uint64_t SeenKeys::Hash(std::string_view key) {
  // FNV-1a: stable across builds and platforms, unlike std::hash, so a
  // stored set still matches after an upgrade.
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool SeenKeys::Contains(std::string_view key, int64_t time_us) const {
  return std::binary_search(entries_.begin(), entries_.end(), Entry{time_us, Hash(key)});
}

bool SeenKeys::Add(std::string_view key, int64_t time_us) {
  const Entry e{time_us, Hash(key)};
  if (entries_.empty() || entries_.back() < e) {
    entries_.push_back(e);
  } else {
    // Out of order (a late event near the window's start): deque inserts
    // move the shorter side, so near either end this stays cheap.
    auto at = std::lower_bound(entries_.begin(), entries_.end(), e);
    if (at != entries_.end() && *at == e) return true;
    entries_.insert(at, e);
  }
  if (entries_.size() <= max_keys_) return true;
  entries_.pop_front();
  return false;
}

void SeenKeys::ForgetBefore(int64_t time_us) {
  while (!entries_.empty() && entries_.front().time_us < time_us) entries_.pop_front();
}

std::string SeenKeys::Encode() const {
  // Times are sorted, so each is stored as the varint gap from the one before.
  std::string bytes;
  bytes.reserve(entries_.size() * 10);
  int64_t previous = entries_.empty() ? 0 : entries_.front().time_us;
  for (const Entry& e : entries_) {
    PutVarint(static_cast<uint64_t>(e.time_us - previous), &bytes);
    previous = e.time_us;
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((e.hash >> (8 * i)) & 0xff));
  }
  nlohmann::ordered_json doc;
  doc["version"] = kVersion;
  doc["count"] = entries_.size();
  doc["first_time_us"] = entries_.empty() ? 0 : entries_.front().time_us;
  doc["entries"] = Base64(bytes);
  return doc.dump() + "\n";
}

Result<SeenKeys> SeenKeys::Decode(std::string_view text, std::string_view source, size_t max_keys) {
  auto corrupt = [&](const std::string& why) {
    return Corrupt("the seen keys in " + std::string(source) + " are corrupt (" + why +
                   "); it starts: " + Excerpt(text, 120));
  };
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return corrupt("not a JSON object");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() ||
      version->get<int64_t>() != kVersion) {
    return corrupt("no \"version\": " + std::to_string(kVersion));
  }
  const auto count = doc.find("count");
  const auto first = doc.find("first_time_us");
  const auto entries = doc.find("entries");
  if (count == doc.end() || !count->is_number_unsigned() || first == doc.end() ||
      !first->is_number_integer() || entries == doc.end() || !entries->is_string()) {
    return corrupt("\"count\", \"first_time_us\" or \"entries\" is missing or of the wrong type");
  }
  std::string bytes;
  if (!Unbase64(entries->get_ref<const std::string&>(), &bytes)) {
    return corrupt("\"entries\" is not base64");
  }
  SeenKeys out(max_keys);
  int64_t time = first->get<int64_t>();
  size_t pos = 0;
  for (uint64_t i = 0; i < count->get<uint64_t>(); ++i) {
    uint64_t gap = 0;
    if (!GetVarint(bytes, &pos, &gap) || bytes.size() - pos < 8 ||
        gap > static_cast<uint64_t>(INT64_MAX - time)) {
      return corrupt("\"entries\" ends early or holds a bad time");
    }
    time += static_cast<int64_t>(gap);
    uint64_t hash = 0;
    for (int b = 0; b < 8; ++b)
      hash |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[pos++])) << (8 * b);
    const Entry e{time, hash};
    if (!out.entries_.empty() && !(out.entries_.back() < e)) return corrupt("entries out of order");
    out.entries_.push_back(e);
  }
  if (pos != bytes.size()) return corrupt("\"entries\" is longer than \"count\" says");
  while (out.entries_.size() > max_keys) out.entries_.pop_front();
  return out;
}

}  // namespace s1c::state
