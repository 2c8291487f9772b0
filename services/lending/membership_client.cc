#include "services/lending/membership_client.h"

#include "absl/strings/str_cat.h"

namespace cercles::lending {

MembershipClient::MembershipClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(cercles::membership::v1::MembershipService::NewStub(std::move(channel))),
      deadline_(deadline) {}

absl::StatusOr<cercles::membership::v1::Circle> MembershipClient::GetCircle(
    const std::string& name, const std::string& trace_parent) const {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  if (!trace_parent.empty()) context.AddMetadata("traceparent", trace_parent);
  cercles::membership::v1::GetCircleRequest request;
  request.set_name(name);
  cercles::membership::v1::GetCircleResponse response;
  grpc::Status status = stub_->GetCircle(&context, request, &response);
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return response.circle();
    case grpc::StatusCode::NOT_FOUND:
      return absl::NotFoundError(
          absl::StrCat("circle \"", name, "\" does not exist in membership"));
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::InvalidArgumentError(absl::StrCat("circle: ", status.error_message()));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNAVAILABLE:
      return absl::UnavailableError(absl::StrCat("membership did not answer within ",
                                                 absl::FormatDuration(deadline_), " (",
                                                 status.error_message(), "); retry"));
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::InternalError(absl::StrCat(
          "membership refused lending's identity (check membership's --trusted_services and "
          "lending's certificate): ",
          status.error_message()));
    default:
      return absl::InternalError(absl::StrCat("membership answered ", status.error_message()));
  }
}

}  // namespace cercles::lending
