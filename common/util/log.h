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

void Write(Level level, absl::string_view message, const Fields& fields = {});
inline void Info(absl::string_view m, const Fields& f = {}) { Write(Level::kInfo, m, f); }
inline void Warning(absl::string_view m, const Fields& f = {}) { Write(Level::kWarning, m, f); }
inline void Error(absl::string_view m, const Fields& f = {}) { Write(Level::kError, m, f); }

// JSON string escaping (quotes included), exposed for the tests and other writers.
std::string JsonQuote(absl::string_view s);

}  // namespace cercles::log

#endif  // CERCLES_COMMON_UTIL_LOG_H_
