// The one place where absl::Status becomes grpc::Status (and back, for clients).
#ifndef CERCLES_COMMON_UTIL_STATUS_H_
#define CERCLES_COMMON_UTIL_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace cercles {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// "NOT_FOUND", "INVALID_ARGUMENT"... as gRPC spells codes (for logs and metrics).
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace cercles

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

#endif  // CERCLES_COMMON_UTIL_STATUS_H_
