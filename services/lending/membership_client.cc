#include "services/lending/membership_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"
#include "common/auth/scope.h"
#include "common/util/status.h"
#include "common/util/status_macros.h"

namespace cercles::lending {

MembershipClient::MembershipClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(cercles::membership::v1::MembershipService::NewStub(channel)),
      people_(cercles::membership::v1::PeopleService::NewStub(channel)),
      privacy_(cercles::membership::v1::PrivacyService::NewStub(channel)),
      deadline_(deadline) {}

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> MembershipClient::Ask(
    Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, const std::string& subject, const std::string& trace_parent) const {
  grpc::ClientContext context;
  Prepare(context, trace_parent);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return Translate(status, subject);
  return response;
}

absl::StatusOr<cercles::membership::v1::Circle> MembershipClient::GetCircle(
    const std::string& name, const std::string& trace_parent) const {
  cercles::membership::v1::GetCircleRequest request;
  request.set_name(name);
  CERCLES_ASSIGN_OR_RETURN(cercles::membership::v1::GetCircleResponse response,
                           Ask(*stub_, &cercles::membership::v1::MembershipService::Stub::GetCircle,
                               request, name, trace_parent));
  return std::move(*response.mutable_circle());
}

absl::StatusOr<std::vector<std::string>> MembershipClient::ListCurrentMembers(
    const std::string& circle, const std::string& trace_parent) const {
  std::vector<std::string> members;
  cercles::membership::v1::ListCircleMembersRequest request;
  request.set_circle(circle);
  request.set_page_size(500);
  // A circle has at most a handful of members; the bound only stops a
  // misbehaving server from keeping lending in this loop.
  for (int page = 0; page < 100; ++page) {
    CERCLES_ASSIGN_OR_RETURN(
        cercles::membership::v1::ListCircleMembersResponse response,
        Ask(*stub_, &cercles::membership::v1::MembershipService::Stub::ListCircleMembers, request,
            circle, trace_parent));
    for (const auto& member : response.members()) {
      if (!member.has_leave_time()) members.push_back(member.person());
    }
    if (response.next_page_token().empty()) return members;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError(
      absl::StrCat("membership kept returning pages of the members of ", circle));
}

absl::StatusOr<CircleView> MembershipClient::GetCircleView(const std::string& name,
                                                           const std::string& trace_parent) const {
  CircleView view;
  CERCLES_ASSIGN_OR_RETURN(view.circle, GetCircle(name, trace_parent));
  CERCLES_ASSIGN_OR_RETURN(view.members, ListCurrentMembers(name, trace_parent));
  return view;
}

absl::StatusOr<std::optional<int64_t>> MembershipClient::CurrentCircleOf(
    const std::string& person, const std::string& trace_parent) const {
  cercles::membership::v1::GetPersonRequest request;
  request.set_name(person);
  absl::StatusOr<cercles::membership::v1::GetPersonResponse> response =
      Ask(*people_, &cercles::membership::v1::PeopleService::Stub::GetPerson, request, person,
          trace_parent);
  // Only membership's NOT_FOUND translates to NOT_FOUND: a person it does not know.
  if (absl::IsNotFound(response.status())) return std::optional<int64_t>();
  if (!response.ok()) return response.status();
  return auth::CircleIdOfName(response->person().current_circle());
}

absl::StatusOr<cercles::membership::v1::RetentionSchedule> MembershipClient::RetentionSchedule(
    const std::string& trace_parent) const {
  CERCLES_ASSIGN_OR_RETURN(
      cercles::membership::v1::GetRetentionScheduleResponse response,
      Ask(*privacy_, &cercles::membership::v1::PrivacyService::Stub::GetRetentionSchedule,
          cercles::membership::v1::GetRetentionScheduleRequest(), "retention schedule",
          trace_parent));
  return std::move(*response.mutable_schedule());
}

void MembershipClient::Prepare(grpc::ClientContext& context,
                               const std::string& trace_parent) const {
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  if (!trace_parent.empty()) context.AddMetadata("traceparent", trace_parent);
}

absl::Status MembershipClient::Translate(const grpc::Status& status,
                                         const std::string& circle) const {
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:  // membership's reason and metadata stay
      return api::WithDetailsOf(
          absl::NotFoundError(absl::StrCat("circle \"", circle, "\" does not exist in membership")),
          FromGrpcStatus(status));
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::InvalidArgumentError(absl::StrCat("circle: ", status.error_message()));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(absl::StrCat("membership did not answer within ",
                                                 absl::FormatDuration(deadline_), " (",
                                                 status.error_message(), "); retry"));
    // What a replica shutting down or overloaded answers (CANCELLED when it
    // stops mid-call; the channel already retried UNAVAILABLE): nothing was
    // decided, so the caller may retry — never INTERNAL.
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return absl::UnavailableError(absl::StrCat("membership is unavailable (",
                                                 GrpcCodeName(status.error_code()), ": ",
                                                 status.error_message(), "); retry"));
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::InternalError(absl::StrCat(
          "membership refused lending's identity (check membership's --trusted_services and "
          "lending's certificate): ",
          status.error_message()));
    default:
      return absl::InternalError(absl::StrCat(
          "membership answered ", GrpcCodeName(status.error_code()), ": ", status.error_message()));
  }
}

}  // namespace cercles::lending
