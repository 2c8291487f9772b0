// Structured logs: one JSON object per line on stdout (what Kubernetes collects).
#ifndef CERCLES_COMMON_UTIL_LOG_H_
#define CERCLES_COMMON_UTIL_LOG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"

namespace cercles::log {

using FieldValue = std::variant<std::string, int64_t, double, bool>;
using Fields = std::vector<std::pair<std::string, FieldValue>>;

enum class Level { kDebug, kInfo, kWarning, kError };

// Sets the component name added to every line ("membership", "lending"...).
void SetComponent(std::string component);
void SetMinLevel(Level level);

// Writes the line now (after any buffered lines, so the order holds).
void Write(Level level, absl::string_view message, const Fields& fields = {});
// For high-volume lines (the access log, one per call): the line is written
// within 20 ms or once 64 KiB are pending, in order with every other line, and
// at exit; a crash (kill -9) loses at most those 20 ms. Spares one write(2)
// per call.
void Buffered(Level level, absl::string_view message, const Fields& fields = {});
// Writes what Buffered() holds (at a clean exit this happens by itself).
void Flush();
inline void Info(absl::string_view m, const Fields& f = {}) { Write(Level::kInfo, m, f); }
inline void Warning(absl::string_view m, const Fields& f = {}) { Write(Level::kWarning, m, f); }
inline void Error(absl::string_view m, const Fields& f = {}) { Write(Level::kError, m, f); }

// JSON string escaping (quotes included), exposed for the tests and other writers.
std::string JsonQuote(absl::string_view s);

}  // namespace cercles::log

#endif  // CERCLES_COMMON_UTIL_LOG_H_
