// W3C trace context (https://www.w3.org/TR/trace-context/): the `traceparent`
// header "00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>". Every
// hop makes a span of its own: a server parses the caller's header and starts a
// child span (a new span id, the caller's as parent), or a new trace when the
// caller sent none; what it calls next carries its own span as the parent.
#ifndef CERCLES_COMMON_UTIL_TRACE_H_
#define CERCLES_COMMON_UTIL_TRACE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace cercles::trace {

struct TraceContext {
  std::string trace_id;        // 32 lower-case hex, not all zeros
  std::string span_id;         // 16 lower-case hex, not all zeros: this hop's span
  std::string parent_span_id;  // the caller's span ("" for a trace's root)
  std::string flags = "01";    // trace flags, passed on as received

  // "00-<trace_id>-<span_id>-<flags>": the header for the calls this span makes.
  std::string Traceparent() const;
};

// The caller's header, or nullopt when it is absent or malformed (version ff,
// wrong lengths or separators, upper-case or non-hex digits, all-zero ids).
// Future versions (01..fe) are read by their version-00 prefix, as the
// specification asks.
std::optional<TraceContext> ParseTraceparent(absl::string_view header);

// A span of this hop: a child of `incoming` (its trace id and flags, its span
// as parent), or the root span of a new trace when there is none.
TraceContext StartSpan(const std::optional<TraceContext>& incoming);

// A fresh root: a new trace id and span id (e.g. a command-line client's call).
inline TraceContext NewTrace() { return StartSpan(std::nullopt); }

// The traceparent of the span this thread works for ("" when none): what
// events::AppendEvent stores with an event. Set for a scope, e.g. a write run
// on the group committer's thread for a call, or an event applied for its
// source's span; scopes nest and restore the previous value.
const std::string& CurrentTraceparent();
class ScopedTraceparent {
 public:
  explicit ScopedTraceparent(std::string traceparent);
  ~ScopedTraceparent();
  ScopedTraceparent(const ScopedTraceparent&) = delete;
  ScopedTraceparent& operator=(const ScopedTraceparent&) = delete;

 private:
  std::string previous_;
};

}  // namespace cercles::trace

#endif  // CERCLES_COMMON_UTIL_TRACE_H_
