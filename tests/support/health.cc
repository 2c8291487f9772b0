#include "tests/support/health.h"

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cercles::testing {

absl::StatusOr<Health> CheckHealth(grpc::Channel* channel, const std::string& service) {
  // The request {service: S} encodes as 0x0A <length> S (an empty request is
  // service ""); the response {status: S} as 0x08 S (nothing at all for
  // UNKNOWN, the proto3 default).
  if (service.size() > 127) return absl::InvalidArgumentError("service name too long");
  std::string request_bytes;
  if (!service.empty()) {
    request_bytes.push_back('\x0A');
    request_bytes.push_back(static_cast<char>(service.size()));
    request_bytes.append(service);
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel,
      grpc::internal::RpcMethod("/grpc.health.v1.Health/Check",
                                grpc::internal::RpcMethod::NORMAL_RPC),
      &context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return absl::DataLossError("unreadable health response");
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (bytes.empty()) return Health::kUnknown;
  if (bytes.size() != 2 || bytes[0] != '\x08' || bytes[1] < 0 || bytes[1] > 3) {
    return absl::DataLossError(
        absl::StrCat("unexpected health response of ", bytes.size(), " bytes"));
  }
  return static_cast<Health>(bytes[1]);
}

}  // namespace cercles::testing
