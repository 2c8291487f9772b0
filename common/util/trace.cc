#include "common/util/trace.h"

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cercles::trace {
namespace {

constexpr size_t kHeaderSize = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZeros(absl::string_view s) { return s.find_first_not_of('0') == absl::string_view::npos; }

// Random ids from a per-thread generator seeded by the OS: ids only need to be
// unique, and a call must not pay for a system call to make one.
uint64_t RandomNonZero() {
  thread_local std::mt19937_64 generator([] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }());
  uint64_t value = 0;
  while (value == 0) value = generator();
  return value;
}

void AppendHex(uint64_t value, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::array<char, 16> digits;
  for (int i = 15; i >= 0; --i) {
    digits[static_cast<size_t>(i)] = kDigits[value & 0xf];
    value >>= 4;
  }
  out->append(digits.data(), digits.size());
}

}  // namespace

std::string TraceContext::Traceparent() const {
  std::string header;
  header.reserve(kHeaderSize);
  absl::StrAppend(&header, "00-", trace_id, "-", span_id, "-", flags);
  return header;
}

std::optional<TraceContext> ParseTraceparent(absl::string_view header) {
  if (header.size() < kHeaderSize) return std::nullopt;
  const absl::string_view version = header.substr(0, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  // Version 00 is exactly 55 characters; later versions may append "-...".
  if (version == "00" ? header.size() != kHeaderSize
                      : (header.size() > kHeaderSize && header[kHeaderSize] != '-')) {
    return std::nullopt;
  }
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  const absl::string_view trace_id = header.substr(3, 32);
  const absl::string_view span_id = header.substr(36, 16);
  const absl::string_view flags = header.substr(53, 2);
  if (!IsLowerHex(trace_id) || !IsLowerHex(span_id) || !IsLowerHex(flags)) return std::nullopt;
  if (AllZeros(trace_id) || AllZeros(span_id)) return std::nullopt;
  TraceContext context;
  context.trace_id = std::string(trace_id);
  context.span_id = std::string(span_id);
  context.flags = std::string(flags);
  return context;
}

TraceContext StartSpan(const std::optional<TraceContext>& incoming) {
  TraceContext span;
  if (incoming.has_value()) {
    span.trace_id = incoming->trace_id;
    span.parent_span_id = incoming->span_id;
    span.flags = incoming->flags;
  } else {
    span.trace_id.reserve(32);
    AppendHex(RandomNonZero(), &span.trace_id);
    AppendHex(RandomNonZero(), &span.trace_id);
  }
  span.span_id.reserve(16);
  AppendHex(RandomNonZero(), &span.span_id);
  return span;
}

namespace {
thread_local std::string current_traceparent;
}  // namespace

const std::string& CurrentTraceparent() { return current_traceparent; }

ScopedTraceparent::ScopedTraceparent(std::string traceparent)
    : previous_(std::exchange(current_traceparent, std::move(traceparent))) {}

ScopedTraceparent::~ScopedTraceparent() { current_traceparent = std::move(previous_); }

}  // namespace cercles::trace
