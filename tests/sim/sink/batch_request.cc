#include "sink/batch_request.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

namespace s1c::sim {

Result<BatchRequest> ParseBatchRequest(std::string_view body) {
  using json = nlohmann::json;
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("body is not valid JSON");
  if (!doc.is_object()) return InvalidArgument("body must be a JSON object");
  auto key = doc.find("intake_key");
  if (key == doc.end() || !key->is_string())
    return InvalidArgument("intake_key: a string is required");
  auto jsons = doc.find("jsons");
  if (jsons == doc.end() || !jsons->is_array())
    return InvalidArgument("jsons: an array of strings is required");
  BatchRequest batch;
  batch.intake_key = key->get<std::string>();
  batch.events.reserve(jsons->size());
  for (size_t i = 0; i < jsons->size(); ++i) {
    if (!(*jsons)[i].is_string()) {
      return InvalidArgument("jsons[" + std::to_string(i) +
                             "]: must be a string (the event as JSON text)");
    }
    batch.events.push_back((*jsons)[i].get<std::string>());
  }
  return batch;
}

namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}
  void SkipWhitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool Take(char c) {
    SkipWhitespace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool AtEnd() {
    SkipWhitespace();
    return p_ == end_;
  }
  // A string: its raw content (escapes kept) in *raw. Control bytes are
  // refused so that the fast path only ever accepts valid JSON strings.
  bool String(std::string_view* raw) {
    if (!Take('"')) return false;
    const char* begin = p_;
    while (true) {
      const char* q =
          static_cast<const char*>(std::memchr(p_, '"', static_cast<size_t>(end_ - p_)));
      if (q == nullptr) return false;
      // The quote ends the string unless an odd run of backslashes precedes it.
      size_t backslashes = 0;
      for (const char* b = q; b > begin && b[-1] == '\\'; --b) ++backslashes;
      p_ = q + 1;
      if (backslashes % 2 == 0) break;
    }
    *raw = std::string_view(begin, static_cast<size_t>(p_ - 1 - begin));
    for (char c : *raw) {
      if (static_cast<unsigned char>(c) < 0x20) return false;
    }
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

std::optional<BatchSummary> SummarizeBatch(std::string_view body) {
  Cursor c(body);
  BatchSummary out;
  bool have_key = false, have_jsons = false;
  if (!c.Take('{')) return std::nullopt;
  for (int member = 0; member < 2; ++member) {
    if (member > 0 && !c.Take(',')) return std::nullopt;
    std::string_view name;
    if (!c.String(&name) || !c.Take(':')) return std::nullopt;
    if (name == "intake_key" && !have_key) {
      std::string_view key;
      if (!c.String(&key) || key.find('\\') != std::string_view::npos) return std::nullopt;
      out.intake_key = std::string(key);
      have_key = true;
    } else if (name == "jsons" && !have_jsons) {
      if (!c.Take('[')) return std::nullopt;
      if (!c.Take(']')) {
        do {
          std::string_view event;
          if (!c.String(&event)) return std::nullopt;
          ++out.events;
          out.largest_event_bytes = std::max(out.largest_event_bytes, event.size());
        } while (c.Take(','));
        if (!c.Take(']')) return std::nullopt;
      }
      have_jsons = true;
    } else {
      return std::nullopt;
    }
  }
  if (!c.Take('}') || !c.AtEnd()) return std::nullopt;
  return out;
}

Result<std::string> Gunzip(std::string_view data, size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Internal("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return InvalidArgument("body is not valid gzip");
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > max_output) {
      inflateEnd(&zs);
      return Status(StatusCode::kRejected,
                    "decoded body exceeds " + std::to_string(max_output) + " bytes");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return InvalidArgument("body is truncated gzip");
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace s1c::sim
