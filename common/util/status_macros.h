// Early returns on absl::Status and absl::StatusOr, for any file (domain rules
// included: this header knows neither gRPC nor SQL).
#ifndef CERCLES_COMMON_UTIL_STATUS_MACROS_H_
#define CERCLES_COMMON_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CERCLES_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status cercles_status_ = (expr);           \
    if (!cercles_status_.ok()) return cercles_status_; \
  } while (0)

#define CERCLES_CONCAT_INNER_(a, b) a##b
#define CERCLES_CONCAT_(a, b) CERCLES_CONCAT_INNER_(a, b)
#define CERCLES_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(*tmp)
#define CERCLES_ASSIGN_OR_RETURN(lhs, expr) \
  CERCLES_ASSIGN_OR_RETURN_IMPL_(CERCLES_CONCAT_(cercles_statusor_, __LINE__), lhs, expr)

#endif  // CERCLES_COMMON_UTIL_STATUS_MACROS_H_
