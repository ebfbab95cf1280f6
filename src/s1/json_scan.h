// A small, strict, allocation-free JSON scanner for SentinelOne list pages.
//
// ParsePage needs three things from a page: that it is valid JSON, the exact
// byte span of each element of "data", and two fields of each element (key and
// time). Building a DOM would allocate for every value and re-serialising
// would change the bytes (big integers, escapes), so instead the scanner walks
// the text once, validating it (RFC 8259 grammar, UTF-8 inside strings, a
// nesting limit) and, while walking a value, records where a few JSON pointers
// land ("watch targets"). It never reads outside the text and never throws:
// every failure is a false return with error() and error_offset() set.
//
// Limits: nesting deeper than kMaxDepth containers is refused; watch pointers
// traverse objects only (a numeric token never indexes an array) and have at
// most kMaxPointerTokens tokens; with duplicate member names the first one
// wins (later ones are validated and ignored). Escaped lone surrogates
// (\ud800) are valid grammar and accepted; Unescape turns them into U+FFFD.
//
// Not thread-safe; cheap to construct (one per body).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace s1c::s1::json_scan {

inline constexpr int kMaxDepth = 128;
inline constexpr size_t kMaxPointerTokens = 32;

enum class Kind : uint8_t { kNone, kObject, kArray, kString, kNumber, kTrue, kFalse, kNull };

// "object", "array", ... for messages; "nothing" for kNone.
const char* KindName(Kind kind);

// Where a watched pointer landed inside the last scanned value.
struct Found {
  Kind kind = Kind::kNone;   // kNone: the pointer did not resolve.
  size_t begin = 0;          // Span of the value in the text. For a string:
  size_t end = 0;            // the content between the quotes.
  bool has_escapes = false;  // Strings only: content contains a backslash.
};

// A JSON pointer to watch while scanning a value.
struct Target {
  std::vector<std::string> tokens;  // Unescaped reference tokens ("~1" -> "/").
  Found found;
  uint64_t matched_levels = 0;  // Internal: levels where the first matching member was seen.

  void Reset() {
    found = Found();
    matched_levels = 0;
  }
};

// Splits "/a/b" into tokens. Returns false for "" (the whole value: not
// supported), a pointer not starting with '/', a bad "~" escape, or more than
// kMaxPointerTokens tokens.
bool ParsePointer(std::string_view pointer, Target* out);

class Scanner {
 public:
  explicit Scanner(std::string_view text)
      : begin_(reinterpret_cast<const unsigned char*>(text.data())),
        p_(begin_),
        end_(begin_ + text.size()) {}

  size_t offset() const { return static_cast<size_t>(p_ - begin_); }
  bool AtEnd() const { return p_ >= end_; }
  // REQUIRES: !AtEnd()
  unsigned char Peek() const { return *p_; }

  // Steps over the current byte. REQUIRES: !AtEnd()
  void Advance() { ++p_; }

  void SkipWhitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // Consumes `c` (no whitespace skipping). On mismatch fails with `context`.
  bool Expect(char c, const char* context);

  // The kind of value that starts at the current position, judged from its
  // first byte; kNone when no JSON value can start there (or at the end).
  Kind PeekKind() const;

  // REQUIRES: at '"'. Validates one string and consumes it; `content` is the
  // text between the quotes (still escaped when *has_escapes).
  bool ScanString(std::string_view* content, bool* has_escapes);

  // Validates one value at the current position (no leading whitespace
  // skipped) and consumes it. `depth` is the number of containers already
  // open around it. Each target's `found` is filled in relative to this value
  // (call Target::Reset() between values).
  bool ScanValue(int depth, std::span<Target> targets = {});

  // Records `what` as the error at the current position. Returns false.
  bool Fail(const char* what);

  // After a false return: what was wrong, where, and whether the text simply
  // ended too early.
  const char* error() const { return error_; }
  size_t error_offset() const { return error_offset_; }
  bool truncated() const { return truncated_; }

 private:
  bool ScanValueAt(int depth, std::span<Target> targets, uint32_t mask, size_t level);
  bool ScanObject(int depth, std::span<Target> targets, uint32_t mask, size_t level);
  bool ScanArray(int depth);
  bool ScanNumber();
  bool ScanLiteral(std::string_view word);
  bool ScanStringRaw(const unsigned char** content_begin, bool* has_escapes);
  // With p_ at a string's closing quote: checks its content as UTF-8; on
  // failure p_ is left at the ill-formed sequence.
  bool CheckUtf8(const unsigned char* content_begin);

  const unsigned char* const begin_;
  const unsigned char* p_;
  const unsigned char* const end_;
  const char* error_ = "";
  size_t error_offset_ = 0;
  bool truncated_ = false;
};

// Decodes the content of a JSON string (between the quotes). Unpaired
// surrogates and malformed escapes become U+FFFD; never reads out of bounds.
std::string Unescape(std::string_view content);

// Parses the text of a JSON integer (no fraction or exponent) into *out.
// Returns false on anything else or on overflow.
bool ParseInt64(std::string_view text, int64_t* out);

}  // namespace s1c::s1::json_scan
