#include "sink/batch_request.h"

#include <zlib.h>

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
