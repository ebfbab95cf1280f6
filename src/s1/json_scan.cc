#include "json_scan.h"

#include <array>
#include <limits>

#include "utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace s1c::s1::json_scan {
namespace {

// Bytes a string scan passes without stopping: everything but '"', '\\' and
// control bytes. Bytes >= 0x80 are checked as UTF-8 once the string ends.
constexpr std::array<bool, 256> MakePlainTable() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x100; ++c) t[c] = c != '"' && c != '\\';
  return t;
}
constexpr std::array<bool, 256> kPlain = MakePlainTable();

// The first byte at or after `p` that ends a run of string content needing
// no check as it is scanned ('"', '\\' or a control byte), or `end`. Bytes
// >= 0x80 pass, setting `*non_ascii`, and the string is checked as UTF-8 once
// it ends: names and paths in events carry accented letters every few bytes,
// and stopping at each one cost a quarter of the page parse. Inlined into the
// string scan, where most strings end at the first byte it stops on: as a
// call, it cost a third of the page parse. `*at_quote` tells whether it
// stopped on a '"', from the vector masks: the string scan branches on that
// instead of reloading the byte it stopped on, which put a load on the
// critical path of every string.
[[gnu::always_inline]] inline const unsigned char* SkipPlain(const unsigned char* p,
                                                             const unsigned char* end,
                                                             unsigned* non_ascii, bool* at_quote) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control_max = _mm_set1_epi8(0x1f);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i quotes = _mm_cmpeq_epi8(v, quote);
    const __m128i special =
        _mm_or_si128(_mm_or_si128(quotes, _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(v, control_max), control_max));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    const auto high = static_cast<unsigned>(_mm_movemask_epi8(v));
    if (mask != 0) {
      const unsigned stop = mask & -mask;
      *non_ascii |= high & (stop - 1);  // Only the bytes before the stop.
      *at_quote = (static_cast<unsigned>(_mm_movemask_epi8(quotes)) & stop) != 0;
      return p + __builtin_ctz(mask);
    }
    *non_ascii |= high;
    p += 16;
  }
#endif
  for (; p < end && kPlain[*p]; ++p) *non_ascii |= *p & 0x80u;
  *at_quote = p < end && *p == '"';
  return p;
}

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads 4 hex digits at content[i..i+4); -1 if absent or malformed.
int32_t Hex4(std::string_view content, size_t i) {
  if (i + 4 > content.size()) return -1;
  int32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const int h = HexValue(static_cast<unsigned char>(content[i + k]));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

bool KeyEquals(std::string_view raw_key, bool has_escapes, const std::string& token) {
  if (!has_escapes) return raw_key == token;
  return Unescape(raw_key) == token;
}

}  // namespace

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kNone:
      return "nothing";
    case Kind::kObject:
      return "object";
    case Kind::kArray:
      return "array";
    case Kind::kString:
      return "string";
    case Kind::kNumber:
      return "number";
    case Kind::kTrue:
      return "true";
    case Kind::kFalse:
      return "false";
    case Kind::kNull:
      return "null";
  }
  return "nothing";
}

bool ParsePointer(std::string_view pointer, Target* out) {
  out->tokens.clear();
  out->Reset();
  if (pointer.empty() || pointer[0] != '/') return false;
  size_t i = 1;
  while (true) {
    std::string token;
    while (i < pointer.size() && pointer[i] != '/') {
      if (pointer[i] == '~') {
        if (i + 1 >= pointer.size()) return false;
        if (pointer[i + 1] == '0') {
          token.push_back('~');
        } else if (pointer[i + 1] == '1') {
          token.push_back('/');
        } else {
          return false;
        }
        i += 2;
      } else {
        token.push_back(pointer[i++]);
      }
    }
    out->tokens.push_back(std::move(token));
    if (out->tokens.size() > kMaxPointerTokens) return false;
    if (i >= pointer.size()) return true;
    ++i;  // The '/' before the next token.
  }
}

bool Scanner::Fail(const char* what) {
  error_ = what;
  error_offset_ = offset();
  truncated_ = p_ >= end_;
  return false;
}

bool Scanner::Expect(char c, const char* context) {
  if (p_ < end_ && *p_ == static_cast<unsigned char>(c)) {
    ++p_;
    return true;
  }
  return Fail(context);
}

Kind Scanner::PeekKind() const {
  if (p_ >= end_) return Kind::kNone;
  switch (*p_) {
    case '{':
      return Kind::kObject;
    case '[':
      return Kind::kArray;
    case '"':
      return Kind::kString;
    case 't':
      return Kind::kTrue;
    case 'f':
      return Kind::kFalse;
    case 'n':
      return Kind::kNull;
    case '-':
      return Kind::kNumber;
    default:
      return IsDigit(*p_) ? Kind::kNumber : Kind::kNone;
  }
}

bool Scanner::ScanString(std::string_view* content, bool* has_escapes) {
  const unsigned char* start = nullptr;
  if (!ScanStringRaw(&start, has_escapes)) return false;
  // p_ is just past the closing quote.
  *content =
      std::string_view(reinterpret_cast<const char*>(start), static_cast<size_t>(p_ - 1 - start));
  return true;
}

// Inlined into its callers: strings are most of a page, and the call (with
// a second dispatch on the value's first byte) cost a sixth of the parse.
[[gnu::always_inline]] inline bool Scanner::ScanStringRaw(const unsigned char** content_begin,
                                                          bool* has_escapes) {
  if (p_ >= end_ || *p_ != '"') return Fail("expected a string");
  ++p_;
  *content_begin = p_;
  *has_escapes = false;
  unsigned non_ascii = 0;  // Bytes >= 0x80 passed, to check as UTF-8 at the end.
  while (true) {
    bool at_quote;
    p_ = SkipPlain(p_, end_, &non_ascii, &at_quote);  // The hot loop.
    if (at_quote) {
      if (non_ascii != 0 && !CheckUtf8(*content_begin)) return false;
      ++p_;
      return true;
    }
    if (p_ >= end_) return Fail("unterminated string");
    if (*p_ == '\\') {
      *has_escapes = true;
      ++p_;
      if (p_ >= end_) return Fail("unterminated string");
      switch (*p_) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          ++p_;
          break;
        case 'u':
          ++p_;
          for (int k = 0; k < 4; ++k) {
            if (p_ >= end_) return Fail("unterminated string");
            if (HexValue(*p_) < 0) return Fail("bad \\u escape in a string");
            ++p_;
          }
          break;
        default:
          return Fail("bad escape in a string");
      }
      continue;
    }
    return Fail("control character in a string");  // What else stops SkipPlain.
  }
}

bool Scanner::CheckUtf8(const unsigned char* content_begin) {
  // [content_begin, p_) is the string's content, p_ its closing quote, which
  // cannot continue a sequence: one cut by it is ill-formed.
  if (utf8::IsWellFormed(content_begin, p_)) return true;
  p_ = utf8::FirstIllFormed(content_begin, p_);
  return Fail("invalid UTF-8 in a string");
}

bool Scanner::ScanNumber() {
  if (p_ < end_ && *p_ == '-') ++p_;
  if (p_ >= end_) return Fail("unterminated number");
  if (*p_ == '0') {
    ++p_;
  } else if (IsDigit(*p_)) {
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  } else {
    return Fail("bad number");
  }
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (p_ >= end_) return Fail("unterminated number");
    if (!IsDigit(*p_)) return Fail("bad number");
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ >= end_) return Fail("unterminated number");
    if (!IsDigit(*p_)) return Fail("bad number");
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  return true;
}

bool Scanner::ScanLiteral(std::string_view word) {
  for (char c : word) {
    if (p_ >= end_) return Fail("unterminated literal");
    if (*p_ != static_cast<unsigned char>(c)) return Fail("unexpected character");
    ++p_;
  }
  return true;
}

bool Scanner::ScanValue(int depth, std::span<Target> targets) {
  if (targets.size() > 32) return Fail("too many watch targets");  // A caller bug, not input.
  const uint32_t mask =
      targets.empty() ? 0 : static_cast<uint32_t>((uint64_t{1} << targets.size()) - 1);
  return ScanValueAt(depth, targets, mask, 0);
}

bool Scanner::ScanValueAt(int depth, std::span<Target> targets, uint32_t mask, size_t level) {
  if (p_ >= end_) return Fail("expected a value");
  switch (*p_) {
    case '{':
      return ScanObject(depth + 1, targets, mask, level);
    case '[':
      return ScanArray(depth + 1);
    case '"': {
      const unsigned char* ignored;
      bool escapes;
      return ScanStringRaw(&ignored, &escapes);
    }
    case 't':
      return ScanLiteral("true");
    case 'f':
      return ScanLiteral("false");
    case 'n':
      return ScanLiteral("null");
    default:
      if (*p_ == '-' || IsDigit(*p_)) return ScanNumber();
      return Fail("expected a value");
  }
}

bool Scanner::ScanObject(int depth, std::span<Target> targets, uint32_t mask, size_t level) {
  if (depth > kMaxDepth) return Fail("nesting too deep");
  ++p_;  // '{'
  SkipWhitespace();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
    return true;
  }
  while (true) {
    const unsigned char* key_begin = nullptr;
    bool key_escapes = false;
    if (p_ >= end_ || *p_ != '"') return Fail("expected a member name");
    if (!ScanStringRaw(&key_begin, &key_escapes)) return false;
    const std::string_view raw_key(reinterpret_cast<const char*>(key_begin),
                                   static_cast<size_t>(p_ - 1 - key_begin));
    SkipWhitespace();
    if (!Expect(':', "expected ':' after a member name")) return false;
    SkipWhitespace();

    // Which watched pointers go through this member: descend into `sub`,
    // record the value for `leaf`. Only the first member of a given name
    // counts (matched_levels), as with duplicate names the first wins.
    uint32_t sub = 0;
    uint32_t leaf = 0;
    if (mask != 0) {
      for (size_t i = 0; i < targets.size(); ++i) {
        Target& t = targets[i];
        const uint64_t level_bit = uint64_t{1} << level;
        if ((mask & (1u << i)) == 0 || level >= t.tokens.size() || (t.matched_levels & level_bit)) {
          continue;
        }
        if (!KeyEquals(raw_key, key_escapes, t.tokens[level])) continue;
        t.matched_levels |= level_bit;
        if (level + 1 == t.tokens.size()) {
          leaf |= 1u << i;
        } else {
          sub |= 1u << i;
        }
      }
    }

    const unsigned char* value_begin = p_;
    const Kind kind = PeekKind();
    bool value_escapes = false;
    if (kind == Kind::kString) {  // Here, not through ScanValueAt: most values are strings.
      const unsigned char* content = nullptr;
      if (!ScanStringRaw(&content, &value_escapes)) return false;
      value_begin = content;
    } else if (!ScanValueAt(depth, targets, sub, level + 1)) {
      return false;
    }
    if (leaf != 0) {
      const size_t b = static_cast<size_t>(value_begin - begin_);
      // For strings the span is the content: drop the closing quote.
      const size_t e = offset() - (kind == Kind::kString ? 1 : 0);
      for (size_t i = 0; i < targets.size(); ++i) {
        if (leaf & (1u << i)) targets[i].found = Found{kind, b, e, value_escapes};
      }
    }

    SkipWhitespace();
    if (p_ >= end_) return Fail("unterminated object");
    if (*p_ == ',') {
      ++p_;
      SkipWhitespace();
      continue;
    }
    if (*p_ == '}') {
      ++p_;
      return true;
    }
    return Fail("expected ',' or '}' in an object");
  }
}

bool Scanner::ScanArray(int depth) {
  if (depth > kMaxDepth) return Fail("nesting too deep");
  ++p_;  // '['
  SkipWhitespace();
  if (p_ < end_ && *p_ == ']') {
    ++p_;
    return true;
  }
  while (true) {
    if (!ScanValueAt(depth, {}, 0, 0)) return false;
    SkipWhitespace();
    if (p_ >= end_) return Fail("unterminated array");
    if (*p_ == ',') {
      ++p_;
      SkipWhitespace();
      continue;
    }
    if (*p_ == ']') {
      ++p_;
      return true;
    }
    return Fail("expected ',' or ']' in an array");
  }
}

std::string Unescape(std::string_view content) {
  std::string out;
  out.reserve(content.size());
  size_t i = 0;
  while (i < content.size()) {
    const char c = content[i];
    if (c != '\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= content.size()) {
      AppendUtf8(0xFFFD, &out);
      break;
    }
    const char e = content[i + 1];
    i += 2;
    switch (e) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        const int32_t u = Hex4(content, i);
        if (u < 0) {
          AppendUtf8(0xFFFD, &out);
          break;
        }
        i += 4;
        uint32_t cp = static_cast<uint32_t>(u);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate counts only when a low one follows.
          const int32_t low = i + 1 < content.size() && content[i] == '\\' && content[i + 1] == 'u'
                                  ? Hex4(content, i + 2)
                                  : -1;
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        AppendUtf8(cp, &out);
        break;
      }
      default:
        AppendUtf8(0xFFFD, &out);
        break;
    }
  }
  return out;
}

bool ParseInt64(std::string_view text, int64_t* out) {
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  if (i >= text.size()) return false;
  // Accumulate as a negative number so INT64_MIN fits.
  int64_t v = 0;
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    const int d = c - '0';
    if (v < (kMin + d) / 10) return false;
    v = v * 10 - d;
  }
  if (!negative) {
    if (v == kMin) return false;
    v = -v;
  }
  *out = v;
  return true;
}

}  // namespace s1c::s1::json_scan
