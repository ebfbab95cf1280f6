#include "s1c/state/file_state_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <system_error>

#include "s1c/core/files.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"

namespace s1c::state {
namespace {

namespace fs = std::filesystem;
using OrderedJson = nlohmann::ordered_json;

constexpr int kVersion = 1;
// Far above what a checkpoint holds (its key sets are bounded by the poller,
// a few MiB at most): a larger file is not ours, and is not read into memory.
constexpr size_t kMaxStateFileBytes = size_t{64} << 20;
constexpr size_t kMaxNameBytes = 200;
constexpr std::string_view kJsonSuffix = ".json";
constexpr std::string_view kLegacySeenSuffix = ".seen";

// Console and checkpoint names become path components: keep them to a safe
// alphabet so a name can never escape the state directory.
bool IsSafeComponent(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

Status CheckNames(std::string_view console, std::string_view name) {
  if (!IsSafeComponent(console)) {
    return InvalidArgument("console name \"" + std::string(console.substr(0, 64)) +
                           "\" is not usable in a state file path (use [A-Za-z0-9_.-]+)");
  }
  if (!IsSafeComponent(name)) {
    return InvalidArgument("checkpoint name \"" + std::string(name.substr(0, 64)) +
                           "\" is not usable in a state file path (use [A-Za-z0-9_.-]+)");
  }
  return Status::Ok();
}

enum class ReadOutcome { kOk, kMissing };

Result<ReadOutcome> ReadFile(files::FileSystem& file_system, const fs::path& path,
                             std::string* out) {
  Result<std::string> text = file_system.ReadWholeFile(path, kMaxStateFileBytes);
  if (!text.ok()) {
    switch (text.status().code()) {
      case StatusCode::kNotFound:
        return ReadOutcome::kMissing;
      case StatusCode::kCorrupt:
        return Corrupt("state file " + path.string() + " is corrupt (larger than " +
                       std::to_string(kMaxStateFileBytes >> 20) + " MiB)");
      default:
        return text.status();
    }
  }
  *out = std::move(text).value();
  return ReadOutcome::kOk;
}

// The file at `path` decoded by `decode(text, path)`; nullopt when missing.
template <typename T, typename Decode>
Result<std::optional<T>> LoadDecoded(files::FileSystem& file_system, const fs::path& path,
                                     const Decode& decode) {
  std::string text;
  Result<ReadOutcome> read = ReadFile(file_system, path, &text);
  if (!read.ok()) return read.status();
  if (*read == ReadOutcome::kMissing) return std::optional<T>();
  // The error names the file; the command that resets it is the CLI's to word.
  Result<T> value = decode(text, path.string());
  if (!value.ok()) return value.status();
  return std::optional<T>(std::move(*value));
}

}  // namespace

std::string EncodeCheckpoint(const Checkpoint& cp, std::string_view seen) {
  OrderedJson doc;
  doc["version"] = kVersion;
  doc["watermark"] = cp.watermark;
  doc["boundary_keys"] = cp.boundary_keys;
  if (cp.sweep_us) doc["sweep_from"] = FormatIsoTime(*cp.sweep_us);
  doc["updated_at"] = cp.updated_at;
  doc["events_done"] = cp.events_done;
  // `replace` instead of throwing on invalid UTF-8: keys come from remote data.
  std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  while (!seen.empty() && (seen.back() == '\n' || seen.back() == ' ')) seen.remove_suffix(1);
  if (!seen.empty()) {
    // Spliced in as text before the closing brace: the seen keys are already
    // JSON, and can be megabytes that a parse and a dump would only copy.
    text.resize(text.size() - 2);  // "\n}"
    text += ",\n  \"seen\": ";
    text += seen;
    text += "\n}";
  }
  return text + "\n";
}

Result<Checkpoint> DecodeCheckpoint(std::string_view text, std::string_view source) {
  auto corrupt = [&](const std::string& why) {
    return Corrupt("state file " + std::string(source) + " is corrupt (" + why +
                   "); it starts: " + Excerpt(text, 200));
  };
  try {
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return corrupt("not valid JSON");
    if (!doc.is_object()) return corrupt("not a JSON object");
    const auto version = doc.find("version");
    if (version == doc.end()) return corrupt("no \"version\"");
    if (!version->is_number_integer()) return corrupt("\"version\" is not an integer");
    if (version->get<int64_t>() != kVersion) {
      return corrupt("unknown version " + version->dump() + "; this build reads version " +
                     std::to_string(kVersion));
    }

    Checkpoint cp;
    const auto watermark = doc.find("watermark");
    if (watermark == doc.end() || !watermark->is_string())
      return corrupt("\"watermark\" is not a string");
    cp.watermark = watermark->get<std::string>();
    Result<int64_t> us = ParseIsoTime(cp.watermark);
    if (!us.ok()) return corrupt("\"watermark\": " + us.status().message());
    cp.watermark_us = *us;

    const auto boundary = doc.find("boundary_keys");
    if (boundary == doc.end() || !boundary->is_array()) {
      return corrupt("\"boundary_keys\" is not an array");
    }
    for (const auto& k : *boundary) {
      if (!k.is_string()) return corrupt("\"boundary_keys\" holds a non-string");
      cp.boundary_keys.push_back(k.get<std::string>());
    }

    // "recent_keys" (the key list of the lookback before the sweep existed)
    // is ignored: the sweep of such a checkpoint starts at its watermark.
    if (const auto sweep = doc.find("sweep_from"); sweep != doc.end()) {
      Result<int64_t> at = sweep->is_string() ? ParseIsoTime(sweep->get<std::string>())
                                              : Result<int64_t>(InvalidArgument("not a string"));
      if (!at.ok()) return corrupt("\"sweep_from\": " + at.status().message());
      cp.sweep_us = *at;
    }
    if (const auto updated = doc.find("updated_at"); updated != doc.end()) {
      if (!updated->is_string()) return corrupt("\"updated_at\" is not a string");
      cp.updated_at = updated->get<std::string>();
    }
    if (const auto done = doc.find("events_done"); done != doc.end()) {
      if (!done->is_number_integer() || done->get<int64_t>() < 0) {
        return corrupt("\"events_done\" is not a non-negative integer");
      }
      cp.events_done = done->get<int64_t>();
    }
    return cp;
  } catch (const std::exception& e) {
    return corrupt(e.what());
  }
}

FileStateStore::FileStateStore(std::filesystem::path dir, std::chrono::milliseconds gather)
    : FileStateStore(std::move(dir), posix_fs_, gather) {}

FileStateStore::FileStateStore(std::filesystem::path dir, files::FileSystem& fs,
                               std::chrono::milliseconds gather)
    : dir_(std::move(dir)), fs_(fs), writer_(fs, clock_, "state directory", gather) {}

std::filesystem::path FileStateStore::PathFor(std::string_view console,
                                              std::string_view name) const {
  return dir_ / std::string(console) / (std::string(name) + std::string(kJsonSuffix));
}

Result<std::optional<Checkpoint>> FileStateStore::Load(std::string_view console,
                                                       std::string_view name) {
  S1C_RETURN_IF_ERROR(CheckNames(console, name));
  return LoadDecoded<Checkpoint>(fs_, PathFor(console, name), DecodeCheckpoint);
}

Status FileStateStore::Commit(std::string_view console, std::string_view name,
                              const Checkpoint& cp, const SeenKeys* seen) {
  S1C_RETURN_IF_ERROR(CheckNames(console, name));
  const fs::path path = PathFor(console, name);
  const std::string text = EncodeCheckpoint(cp, seen != nullptr ? seen->Encode() : std::string());
  S1C_RETURN_IF_ERROR(writer_.Write(path, text));
  // Seen keys an older version kept apart are in this file now. Should the
  // removal fail or be lost in a crash, the file's own keys still win. (An
  // unlink of a file nearly always gone: a path lookup, not worth a thread.)
  (void)fs_.RemoveFile(LegacySeenPathFor(console, name), "seen-key file");
  return Status::Ok();
}

std::filesystem::path FileStateStore::LegacySeenPathFor(std::string_view console,
                                                        std::string_view name) const {
  return dir_ / std::string(console) / (std::string(name) + std::string(kLegacySeenSuffix));
}

Result<std::optional<SeenKeys>> FileStateStore::LoadSeen(std::string_view console,
                                                         std::string_view name, size_t max_keys) {
  S1C_RETURN_IF_ERROR(CheckNames(console, name));
  const fs::path path = PathFor(console, name);
  std::string text;
  Result<ReadOutcome> read = ReadFile(fs_, path, &text);
  if (!read.ok()) return read.status();
  if (*read == ReadOutcome::kOk) {
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) {
      return Corrupt("state file " + path.string() + " is corrupt (not a JSON object); it starts: " +
                     Excerpt(text, 200));
    }
    if (const auto seen = doc.find("seen"); seen != doc.end()) {
      Result<SeenKeys> keys = SeenKeys::Decode(seen->dump(), path.string(), max_keys);
      if (!keys.ok()) return keys.status();
      return std::optional<SeenKeys>(std::move(*keys));
    }
  }
  return LoadDecoded<SeenKeys>(fs_, LegacySeenPathFor(console, name),
                               [max_keys](std::string_view legacy, std::string_view source) {
                                 return SeenKeys::Decode(legacy, source, max_keys);
                               });
}

Status FileStateStore::Reset(std::string_view console, std::string_view name) {
  S1C_RETURN_IF_ERROR(CheckNames(console, name));
  const fs::path path = PathFor(console, name);
  const fs::path seen = LegacySeenPathFor(console, name);
  Status status;
  writer_.Exclusive([&] {
    bool removed = false;
    for (const fs::path& p : {path, files::TempPathFor(path), seen, files::TempPathFor(seen)}) {
      Result<bool> gone = fs_.RemoveFile(p, "state file");
      if (!gone.ok()) {
        status = gone.status();
        return;
      }
      removed = removed || *gone;
    }
    if (removed) status = fs_.SyncDir(path.parent_path(), "directory");
  });
  return status;
}

Result<StateListing> FileStateStore::List() {
  StateListing listing;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) {
    if (ec) return IoError("cannot read state directory " + dir_.string() + ": " + ec.message());
    return listing;
  }
  // Only <dir>/<console>/<name>.json: temp files, the dead-letter file at the
  // top level and anything else are not checkpoints.
  std::vector<std::pair<std::string, std::string>> found;
  fs::directory_iterator consoles(dir_, ec);
  if (ec) return IoError("cannot read state directory " + dir_.string() + ": " + ec.message());
  for (auto it = consoles; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return IoError("cannot read state directory " + dir_.string() + ": " + ec.message());
    const std::string console = it->path().filename().string();
    std::error_code dir_ec;
    if (!IsSafeComponent(console) || !it->is_directory(dir_ec)) continue;
    fs::directory_iterator files(it->path(), ec);
    if (ec)
      return IoError("cannot read state directory " + it->path().string() + ": " + ec.message());
    for (auto f = files; f != fs::directory_iterator(); f.increment(ec)) {
      if (ec)
        return IoError("cannot read state directory " + it->path().string() + ": " + ec.message());
      const std::string file = f->path().filename().string();
      if (file.size() <= kJsonSuffix.size() || !file.ends_with(kJsonSuffix)) continue;
      const std::string name = file.substr(0, file.size() - kJsonSuffix.size());
      std::error_code reg_ec;
      if (!IsSafeComponent(name) || !f->is_regular_file(reg_ec)) continue;
      found.emplace_back(console, name);
    }
  }
  std::sort(found.begin(), found.end());
  for (const auto& [console, name] : found) {
    Result<std::optional<Checkpoint>> cp = Load(console, name);
    if (!cp.ok()) {
      listing.errors.push_back({console, name, PathFor(console, name), cp.status()});
      continue;
    }
    if (!cp->has_value()) continue;  // Reset meanwhile.
    listing.entries.push_back({console, name, std::move(**cp)});
  }
  return listing;
}

}  // namespace s1c::state
