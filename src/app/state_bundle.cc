#include "state_bundle.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "s1c/core/text.h"
#include "s1c/state/file_state_store.h"

namespace s1c::app {
namespace {

using OrderedJson = nlohmann::ordered_json;

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether the store already holds the entry's seen keys (a bundle without
// any leaves the store's alone).
bool SameSeen(state::StateStore& store, const BundleEntry& e) {
  if (!e.seen) return true;
  Result<std::optional<state::SeenKeys>> here =
      store.LoadSeen(e.console, e.name, state::SeenKeys::kDefaultMaxKeys);
  return here.ok() && here->has_value() && (*here)->Encode() == e.seen->Encode();
}

}  // namespace

Result<StateBundle> CollectBundle(state::StateStore& store,
                                  const std::vector<std::string>& consoles, std::string source,
                                  std::string exported_at) {
  Result<state::StateListing> listing = store.List();
  if (!listing.ok()) return listing.status();
  std::vector<std::string> unreadable;
  for (const state::StateFileError& e : listing->errors) {
    if (Contains(consoles, e.console)) unreadable.push_back(e.error.message());
  }
  if (!unreadable.empty()) {
    return Corrupt(std::to_string(unreadable.size()) +
                   " checkpoint(s) of these consoles cannot be read, so they cannot be moved: " +
                   Join(unreadable, "; "));
  }
  StateBundle bundle;
  bundle.exported_at = std::move(exported_at);
  bundle.source = std::move(source);
  bundle.consoles = consoles;
  for (state::StateEntry& e : listing->entries) {
    if (!Contains(consoles, e.console)) continue;
    Result<std::optional<state::SeenKeys>> seen =
        store.LoadSeen(e.console, e.name, state::SeenKeys::kDefaultMaxKeys);
    if (!seen.ok()) {
      unreadable.push_back(seen.status().message());
      continue;
    }
    bundle.entries.push_back({e.console, e.name, std::move(e.checkpoint), std::move(*seen)});
  }
  if (!unreadable.empty()) {
    return Corrupt(std::to_string(unreadable.size()) +
                   " seen-key set(s) of these consoles cannot be read, so they cannot be moved: " +
                   Join(unreadable, "; "));
  }
  return bundle;
}

std::string EncodeBundle(const StateBundle& bundle) {
  OrderedJson doc;
  doc["format"] = kBundleFormat;
  doc["version"] = kBundleVersion;
  doc["exported_at"] = bundle.exported_at;
  doc["source"] = bundle.source;
  doc["consoles"] = bundle.consoles;
  OrderedJson checkpoints = OrderedJson::array();
  for (const BundleEntry& e : bundle.entries) {
    // The files' own JSON, so the bundle carries every field the store
    // writes. EncodeCheckpoint replaced invalid UTF-8, so it parses.
    OrderedJson item{{"console", e.console},
                     {"name", e.name},
                     {"checkpoint", OrderedJson::parse(state::EncodeCheckpoint(e.checkpoint))}};
    if (e.seen) item["seen"] = OrderedJson::parse(e.seen->Encode());
    checkpoints.push_back(std::move(item));
  }
  doc["checkpoints"] = std::move(checkpoints);
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<StateBundle> DecodeBundle(std::string_view text, std::string_view source) {
  const std::string where(source);
  auto bad = [&where](const std::string& why) {
    return InvalidArgument(where + " is not a state bundle this build reads: " + why);
  };
  try {
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return bad("not valid JSON");
    if (!doc.is_object()) return bad("not a JSON object");
    if (doc.value("format", "") != kBundleFormat) {
      return bad("\"format\" is not \"" + std::string(kBundleFormat) +
                 "\" (write one with s1-collector state export)");
    }
    const auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer() ||
        version->get<int64_t>() != kBundleVersion) {
      return bad("unknown \"version\" " + (version == doc.end() ? "(none)" : version->dump()) +
                 "; this build reads version " + std::to_string(kBundleVersion));
    }
    StateBundle bundle;
    bundle.exported_at = doc.value("exported_at", "");
    bundle.source = doc.value("source", "");
    const auto consoles = doc.find("consoles");
    if (consoles == doc.end() || !consoles->is_array()) return bad("\"consoles\" is not an array");
    for (const auto& c : *consoles) {
      if (!c.is_string()) return bad("\"consoles\" holds a non-string");
      bundle.consoles.push_back(c.get<std::string>());
    }
    const auto checkpoints = doc.find("checkpoints");
    if (checkpoints == doc.end() || !checkpoints->is_array()) {
      return bad("\"checkpoints\" is not an array");
    }
    for (const auto& item : *checkpoints) {
      if (!item.is_object() || !item.contains("console") || !item["console"].is_string() ||
          !item.contains("name") || !item["name"].is_string() || !item.contains("checkpoint") ||
          !item["checkpoint"].is_object()) {
        return bad("a \"checkpoints\" entry is not {\"console\", \"name\", \"checkpoint\"}");
      }
      BundleEntry entry;
      entry.console = item["console"].get<std::string>();
      entry.name = item["name"].get<std::string>();
      if (!Contains(bundle.consoles, entry.console)) {
        return bad("checkpoint " + entry.console + "/" + entry.name +
                   " belongs to a console the bundle does not list");
      }
      Result<state::Checkpoint> cp = state::DecodeCheckpoint(
          item["checkpoint"].dump(), where + " (" + entry.console + "/" + entry.name + ")");
      if (!cp.ok()) return InvalidArgument(cp.status().message());
      entry.checkpoint = std::move(*cp);
      if (const auto seen = item.find("seen"); seen != item.end()) {
        Result<state::SeenKeys> keys = state::SeenKeys::Decode(
            seen->dump(), where + " (" + entry.console + "/" + entry.name + " seen keys)",
            state::SeenKeys::kDefaultMaxKeys);
        if (!keys.ok()) return InvalidArgument(keys.status().message());
        entry.seen = std::move(*keys);
      }
      bundle.entries.push_back(std::move(entry));
    }
    return bundle;
  } catch (const std::exception& e) {
    return bad(e.what());
  }
}

const char* ImportActionName(ImportAction action) {
  switch (action) {
    case ImportAction::kCreate:
      return "create";
    case ImportAction::kReplace:
      return "replace";
    case ImportAction::kUnchanged:
      return "unchanged";
    case ImportAction::kRefuseNewer:
      return "REFUSED (newer here)";
    case ImportAction::kRefuseUnreadable:
      return "REFUSED (unreadable here)";
    case ImportAction::kOverwriteNewer:
      return "overwrite newer (--force)";
    case ImportAction::kOverwriteUnreadable:
      return "overwrite unreadable (--force)";
  }
  return "?";
}

bool Refused(ImportAction action) {
  return action == ImportAction::kRefuseNewer || action == ImportAction::kRefuseUnreadable;
}

bool Writes(ImportAction action) {
  return action == ImportAction::kCreate || action == ImportAction::kReplace ||
         action == ImportAction::kOverwriteNewer || action == ImportAction::kOverwriteUnreadable;
}

std::vector<ImportStep> PlanImport(state::StateStore& store, const StateBundle& bundle,
                                   bool force) {
  std::vector<ImportStep> steps;
  for (const BundleEntry& e : bundle.entries) {
    ImportStep step;
    step.console = e.console;
    step.name = e.name;
    step.bundle = e.checkpoint.watermark;
    Result<std::optional<state::Checkpoint>> local = store.Load(e.console, e.name);
    if (!local.ok()) {
      step.local = local.status().message();
      step.action = force ? ImportAction::kOverwriteUnreadable : ImportAction::kRefuseUnreadable;
    } else if (!local->has_value()) {
      step.action = ImportAction::kCreate;
    } else {
      const state::Checkpoint& here = **local;
      step.local = here.watermark;
      if (here.watermark_us > e.checkpoint.watermark_us) {
        // The bundle would move this checkpoint back: its events would be
        // sent again. Most likely the bundle is stale, or goes the wrong way.
        step.action = force ? ImportAction::kOverwriteNewer : ImportAction::kRefuseNewer;
      } else if (state::EncodeCheckpoint(here) == state::EncodeCheckpoint(e.checkpoint) &&
                 SameSeen(store, e)) {
        step.action = ImportAction::kUnchanged;
      } else {
        step.action = ImportAction::kReplace;
      }
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

Status ApplyImport(state::StateStore& store, const StateBundle& bundle,
                   const std::vector<ImportStep>& steps) {
  if (steps.size() != bundle.entries.size()) {
    return InvalidArgument("the import plan does not match the bundle");
  }
  for (const ImportStep& step : steps) {
    if (Refused(step.action)) {
      return InvalidArgument("checkpoint " + step.console + "/" + step.name +
                             " is refused; nothing was imported");
    }
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!Writes(steps[i].action)) continue;
    const BundleEntry& e = bundle.entries[i];
    // A bundle without seen keys leaves the store's own (see SameSeen).
    std::optional<state::SeenKeys> kept;
    if (!e.seen) {
      Result<std::optional<state::SeenKeys>> here =
          store.LoadSeen(e.console, e.name, state::SeenKeys::kDefaultMaxKeys);
      if (here.ok()) kept = std::move(*here);
    }
    const std::optional<state::SeenKeys>& seen = e.seen ? e.seen : kept;
    if (Status st = store.Commit(e.console, e.name, e.checkpoint, seen ? &*seen : nullptr);
        !st.ok()) {
      return st.Annotate("importing " + e.console + "/" + e.name);
    }
  }
  return Status::Ok();
}

}  // namespace s1c::app
