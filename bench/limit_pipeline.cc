// limit-pipeline: the cheapest pipeline that moves the same data as
// s1-collector, to measure what the simulator, the sink and the loopback
// allow. It fetches the same pages (same query, gzip, following nextCursor)
// and posts one prebuilt intake body per page (the first page's events,
// escaped and gzipped once at start), fetching the next page while the
// previous body is posted, as the collector does. It does no JSON work per
// page: it decodes the gzip body and finds "nextCursor" from the end.
//
// Usage: limit-pipeline --api URL --token T --intake URL --key K
//                       [--from ISO] [--page-size N] [--gzip 0|1] [--cacert PEM]
// Prints one line: pages=N bytes_in=N bytes_out=N

#include <curl/curl.h>
#include <isa-l/igzip_lib.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

struct Args {
  std::string api, token, intake, key, from = "2000-01-01T00:00:00.000000Z";
  int page_size = 1000;
  bool gzip = true;
  std::string cacert;  // CA file for https:// URLs; empty = the system store.
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "limit-pipeline: %s\n", what.c_str());
  std::exit(1);
}

size_t Collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// Appends `s` as the content of a JSON string (no quotes).
void Escape(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
}

std::string Gzip(std::string_view in) {
  std::vector<uint8_t> level_buf(ISAL_DEF_LVL1_DEFAULT);
  std::string out(in.size() + in.size() / 64 + 1024, '\0');
  isal_zstream s;
  isal_deflate_init(&s);
  s.gzip_flag = IGZIP_GZIP;
  s.level = 1;
  s.level_buf = level_buf.data();
  s.level_buf_size = static_cast<uint32_t>(level_buf.size());
  s.end_of_stream = 1;
  s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uint32_t>(in.size());
  s.next_out = reinterpret_cast<uint8_t*>(out.data());
  s.avail_out = static_cast<uint32_t>(out.size());
  if (isal_deflate(&s) != COMP_OK || s.internal_state.state != ZSTATE_END) Die("deflate failed");
  out.resize(s.total_out);
  return out;
}

// Decodes a gzip body into `out` (reused); the size comes from the trailer.
void Gunzip(std::string_view in, std::string& out) {
  if (in.size() < 18) Die("short gzip body");
  uint32_t isize;
  std::memcpy(&isize, in.data() + in.size() - 4, 4);
  out.resize(isize);
  inflate_state st;
  isal_inflate_init(&st);
  st.crc_flag = ISAL_GZIP;
  st.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
  st.avail_in = static_cast<uint32_t>(in.size());
  st.next_out = reinterpret_cast<uint8_t*>(out.data());
  st.avail_out = isize;
  if (isal_inflate(&st) != ISAL_DECOMP_OK || st.block_state != ISAL_BLOCK_FINISH) {
    Die("inflate failed");
  }
}

std::string UrlEscape(CURL* easy, const std::string& s) {
  char* e = curl_easy_escape(easy, s.c_str(), static_cast<int>(s.size()));
  std::string out(e);
  curl_free(e);
  return out;
}

// The "data" elements of a page, split by tracking depth outside strings.
std::vector<std::string_view> SplitData(std::string_view page) {
  std::vector<std::string_view> out;
  size_t i = page.find("\"data\":[");
  if (i == std::string_view::npos) Die("no data array in the first page");
  i += 8;
  int depth = 0;
  bool in_string = false;
  size_t start = 0;
  for (; i < page.size(); ++i) {
    const char c = page[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (depth++ == 0) start = i;
    } else if (c == '}' || c == ']') {
      if (depth == 0) break;  // End of "data".
      if (--depth == 0) out.push_back(page.substr(start, i + 1 - start));
    }
  }
  return out;
}

// The nextCursor string of a page, or nullopt when null. Looks from the end:
// "pagination" is the last member in the API's answers.
std::optional<std::string> NextCursor(std::string_view page) {
  const size_t at = page.rfind("\"nextCursor\":");
  if (at == std::string_view::npos) Die("no nextCursor in a page");
  size_t v = at + 13;
  if (page.compare(v, 4, "null") == 0) return std::nullopt;
  const size_t end = page.find('"', v + 1);
  return std::string(page.substr(v + 1, end - v - 1));
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--api")
      a.api = v;
    else if (k == "--token")
      a.token = v;
    else if (k == "--intake")
      a.intake = v;
    else if (k == "--key")
      a.key = v;
    else if (k == "--from")
      a.from = v;
    else if (k == "--page-size")
      a.page_size = std::atoi(v.c_str());
    else if (k == "--gzip")
      a.gzip = v == "1";
    else if (k == "--cacert")
      a.cacert = v;
    else
      Die("unknown flag " + k);
  }
  if (a.api.empty() || a.intake.empty() || a.key.empty()) Die("need --api, --intake, --key");
  curl_global_init(CURL_GLOBAL_DEFAULT);

  CURL* get = curl_easy_init();
  const std::string auth = "Authorization: ApiToken " + a.token;
  curl_slist* get_headers = nullptr;
  get_headers = curl_slist_append(get_headers, auth.c_str());
  get_headers = curl_slist_append(get_headers, "Accept: application/json");
  // Set by hand, not CURLOPT_ACCEPT_ENCODING: the body is decoded here.
  get_headers = curl_slist_append(get_headers, "Accept-Encoding: gzip");
  curl_easy_setopt(get, CURLOPT_HTTPHEADER, get_headers);
  // https:// URLs (bench/run.sh --tls): trust the bench's throwaway CA, as
  // the collector's ca_file does.
  if (!a.cacert.empty()) curl_easy_setopt(get, CURLOPT_CAINFO, a.cacert.c_str());
  std::string wire, page;
  curl_easy_setopt(get, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(get, CURLOPT_WRITEDATA, &wire);
  const std::string base = a.api +
                           "/web/api/v2.1/activities?createdAt__gte=" + UrlEscape(get, a.from) +
                           "&sortBy=createdAt&sortOrder=asc&limit=" + std::to_string(a.page_size);

  auto fetch = [&](const std::optional<std::string>& cursor) {
    const std::string url = cursor ? base + "&cursor=" + UrlEscape(get, *cursor) : base;
    wire.clear();
    curl_easy_setopt(get, CURLOPT_URL, url.c_str());
    if (CURLcode rc = curl_easy_perform(get); rc != CURLE_OK) Die(curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(get, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) Die("API answered " + std::to_string(status) + ": " + wire.substr(0, 200));
    const bool gz = wire.size() >= 2 && static_cast<unsigned char>(wire[0]) == 0x1f &&
                    static_cast<unsigned char>(wire[1]) == 0x8b;
    if (gz)
      Gunzip(wire, page);
    else
      page = wire;
    return wire.size();
  };

  // The prebuilt body, from the first page.
  size_t bytes_in = fetch(std::nullopt);
  std::string body = "{\"intake_key\":\"" + a.key + "\",\"jsons\":[";
  bool first = true;
  for (std::string_view e : SplitData(page)) {
    if (!first) body += ',';
    first = false;
    body += '"';
    Escape(body, e);
    body += '"';
  }
  body += "]}";
  if (a.gzip) body = Gzip(body);

  // The poster: one body per page fetched, posted while the next is fetched.
  std::mutex mu;
  std::condition_variable cv;
  int pending = 0;  // Pages fetched but not yet posted.
  bool done = false;
  size_t bytes_out = 0;
  std::thread poster([&] {
    CURL* post = curl_easy_init();
    curl_slist* h = nullptr;
    h = curl_slist_append(h, "Content-Type: application/json");
    if (a.gzip) h = curl_slist_append(h, "Content-Encoding: gzip");
    h = curl_slist_append(h, "Expect:");
    const std::string url = a.intake + "/batch";
    std::string reply;
    curl_easy_setopt(post, CURLOPT_URL, url.c_str());
    curl_easy_setopt(post, CURLOPT_HTTPHEADER, h);
    if (!a.cacert.empty()) curl_easy_setopt(post, CURLOPT_CAINFO, a.cacert.c_str());
    curl_easy_setopt(post, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(post, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(post, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(post, CURLOPT_WRITEDATA, &reply);
    while (true) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return pending > 0 || done; });
        if (pending == 0) break;
      }
      reply.clear();
      if (CURLcode rc = curl_easy_perform(post); rc != CURLE_OK) Die(curl_easy_strerror(rc));
      long status = 0;
      curl_easy_getinfo(post, CURLINFO_RESPONSE_CODE, &status);
      if (status != 200) Die("intake answered " + std::to_string(status) + ": " + reply);
      std::lock_guard lock(mu);
      bytes_out += body.size();
      --pending;
      cv.notify_all();
    }
    curl_easy_cleanup(post);
    curl_slist_free_all(h);
  });

  int pages = 1;
  std::optional<std::string> cursor = NextCursor(page);
  auto hand_over = [&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return pending < 1; });  // One page in flight, like the collector.
    ++pending;
    cv.notify_all();
  };
  hand_over();
  while (cursor) {
    bytes_in += fetch(cursor);
    ++pages;
    cursor = NextCursor(page);
    hand_over();
  }
  {
    std::lock_guard lock(mu);
    done = true;
    cv.notify_all();
  }
  poster.join();
  std::printf("pages=%d bytes_in=%zu bytes_out=%zu\n", pages, bytes_in, bytes_out);
  curl_easy_cleanup(get);
  curl_slist_free_all(get_headers);
  return 0;
}
