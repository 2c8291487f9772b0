// The one place where absl::Status becomes grpc::Status (and back, for clients).
// The early-return macros live in status_macros.h (no gRPC: domain files use them).
#ifndef CERCLES_COMMON_UTIL_STATUS_H_
#define CERCLES_COMMON_UTIL_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "common/util/status_macros.h"

namespace cercles {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// "NOT_FOUND", "INVALID_ARGUMENT"... as gRPC spells codes (for logs and metrics).
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace cercles

#endif  // CERCLES_COMMON_UTIL_STATUS_H_
