// Private to the intake module: the JSON string escaper used for request
// bodies and dead-letter records. Hand-written so an event is escaped in one
// pass straight into a reused buffer, with no DOM and no UTF-8 validation
// (events are the API's own UTF-8, forwarded byte-for-byte: docs/design.md section 2.4).
#pragma once

#include <string>
#include <string_view>

namespace s1c::intake::internal {

// Appends `bytes` to `out` as the contents of a JSON string, without the
// surrounding quotes: '"' and '\\' are backslash-escaped, control bytes below
// 0x20 become \b \f \n \r \t or \u00XX, and every other byte (DEL and bytes
// >= 0x80 included) is copied unchanged. Decoding the result with any JSON
// parser gives back exactly `bytes` when `bytes` is valid UTF-8.
// Uses the fastest kernel this CPU has.
void AppendJsonEscaped(std::string& out, std::string_view bytes);

// The escaper's vector kernels, named so tests can run each one against the
// same definition. kPortable is SSE2 where built for it, else per byte;
// kAvx512 (AVX-512 VBMI2) is chosen at run time when the CPU has it.
enum class EscapeKernel { kPortable, kAvx512 };
bool EscapeKernelAvailable(EscapeKernel kernel);
// REQUIRES: EscapeKernelAvailable(kernel).
void AppendJsonEscapedWith(EscapeKernel kernel, std::string& out, std::string_view bytes);

}  // namespace s1c::intake::internal
