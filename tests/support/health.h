// grpc.health.v1.Health/Check as a raw client (no generated stub: Debian ships
// no generated health.proto), for the tests of servers' health.
#ifndef CERCLES_TESTS_SUPPORT_HEALTH_H_
#define CERCLES_TESTS_SUPPORT_HEALTH_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>

#include <string>

#include "absl/status/statusor.h"

namespace cercles::testing {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
enum class Health { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// Check of `service` ("" : the server's overall status; else a service's full
// name, "cercles.lending.v1.LendingService") within 2 s, or the call's error
// (UNAVAILABLE, NOT_FOUND for a name the server does not know) as an
// absl::Status.
absl::StatusOr<Health> CheckHealth(grpc::Channel* channel, const std::string& service = "");

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_HEALTH_H_
