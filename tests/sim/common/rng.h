// Rng: the simulators' deterministic random source.
//
// std::mt19937_64 produces the same sequence for a seed on every standard
// library, but the std::*_distribution classes do not, so the helpers here do
// their own arithmetic: one seed gives byte-identical data everywhere.
// Not thread-safe: each owner keeps its own instance (or guards it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace s1c::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t Next() { return engine_(); }

  // Uniform in [0, n) (modulo bias is irrelevant here). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) { return engine_() % n; }

  // Uniform in [lo, hi], both inclusive. REQUIRES: lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  bool Chance(double p) { return Unit() < p; }

  // One element of a non-empty array or container.
  template <typename Container>
  const auto& Pick(const Container& items) {
    return items[Below(std::size(items))];
  }

  // `n` lower-case hex digits.
  std::string Hex(int n) { return Chars(n, "0123456789abcdef"); }

  // `n` characters from [0-9A-Z], like SentinelOne's generated computer names.
  std::string UpperAlnum(int n) { return Chars(n, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"); }

  // A random (version 4 shaped) UUID: 8-4-4-4-12 hex digits.
  std::string Uuid() {
    // Built step by step: the operands of one '+' chain may be evaluated in
    // any order, which would make the draws compiler-dependent.
    std::string out = Hex(8);
    out += "-";
    out += Hex(4);
    out += "-4";
    out += Hex(3);
    out += "-";
    out += Chars(1, "89ab");
    out += Hex(3);
    out += "-";
    out += Hex(12);
    return out;
  }

 private:
  std::string Chars(int n, std::string_view alphabet) {
    std::string out;
    out.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back(alphabet[Below(alphabet.size())]);
    return out;
  }

  std::mt19937_64 engine_;
};

}  // namespace s1c::sim
