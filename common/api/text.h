// Free text in requests (display names, reasons, notes, minutes): one rule for
// every field, with the field's own bounds.
#ifndef CERCLES_COMMON_API_TEXT_H_
#define CERCLES_COMMON_API_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cercles::api {

// At most this many bytes of a value the caller sent appear in a message.
inline constexpr size_t kMaxQuotedBytes = 128;

// A value the caller sent, as an error message (and so the call's log line) may
// quote it: between double quotes, C-escaped, and cut after `max_bytes` bytes
// with `..."` and the value's whole size: "circles/7777..." (1048576 bytes). The
// one way a message quotes what a caller sent, so that no message grows with the
// request (a 1 MB field yields a short error, not a 1 MB status and log line).
std::string Quoted(absl::string_view value, size_t max_bytes = kMaxQuotedBytes);

// True when `text` has the form of a SHA-256 digest in lower-case hex (64
// digits), as Sha256Hex (common/util/crypto.h) writes it.
inline bool IsSha256Hex(absl::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == absl::string_view::npos;
}

// Bounds are in characters (Unicode code points), never bytes.
struct TextRule {
  size_t min_chars = 0;
  size_t max_chars = 0;
  // One-line text has no control characters at all; multi-line text may hold
  // tabs and line breaks. NUL is never allowed (PostgreSQL cannot store it).
  bool multi_line = false;
};

inline TextRule OneLine(size_t min_chars, size_t max_chars) {
  return TextRule{min_chars, max_chars, false};
}
inline TextRule MultiLine(size_t min_chars, size_t max_chars) {
  return TextRule{min_chars, max_chars, true};
}

// Code points of valid UTF-8 text (a byte count for anything else).
size_t CharacterCount(absl::string_view text);

// `text` without leading and trailing ASCII white space.
absl::string_view TrimText(absl::string_view text);

// What `text` (already trimmed) breaks of `rule`, as the end of a sentence that
// starts with the field's name ("must be 1 to 100 characters, got 0"); nullopt
// when it keeps it. For checks that gather every violation of a request.
std::optional<std::string> TextViolation(absl::string_view text, const TextRule& rule);

// The reason (common/api/error_details.h) of the violation TextViolation found
// in `text`: FIELD_REQUIRED when it is empty and may not be, VALUE_OUT_OF_RANGE
// for its length, FIELD_INVALID_FORMAT otherwise.
absl::string_view TextViolationReason(absl::string_view text, const TextRule& rule);

// The trimmed `text`, or INVALID_ARGUMENT "<field> <violation>" (api::InvalidField).
absl::StatusOr<std::string> CleanText(absl::string_view text, absl::string_view field,
                                      const TextRule& rule);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_TEXT_H_
