#ifndef CERCLES_TOOLS_CERCLESCTL_HEALTH_CHECK_H_
#define CERCLES_TOOLS_CERCLESCTL_HEALTH_CHECK_H_

// grpc.health.v1.Health/Check through a generic stub. The tool needs one field
// each way of a small, frozen message, so it writes and reads the wire format
// with protobuf's UnknownFieldSet instead of adding health.proto to proto/
// (Debian ships no generated copy of it).

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/byte_buffer.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class ServingStatus { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };
// Its name as the protocol spells it ("NOT_SERVING"), as JSON prints it.
std::string ServingStatusName(ServingStatus status);
// What a person reads: the name in English, in French "EN SERVICE", "HORS
// SERVICE", "SERVICE INCONNU" or "INCONNU".
std::string ServingStatusName(ServingStatus status, Lang lang);

// HealthCheckRequest {string service = 1;}
grpc::ByteBuffer EncodeHealthCheckRequest(const std::string& service);
// HealthCheckResponse {ServingStatus status = 1;}; unknown fields are skipped.
absl::StatusOr<ServingStatus> DecodeHealthCheckResponse(const grpc::ByteBuffer& buffer);

// One Check call; `call` carries the deadline and credentials. A failed call
// comes back as its gRPC status.
absl::StatusOr<ServingStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                          grpc::ClientContext* call, const std::string& service);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_HEALTH_CHECK_H_
