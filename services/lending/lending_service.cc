#include "services/lending/lending_service.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/lending/eligibility.h"

namespace cercles::lending {
namespace {

absl::Status ValidateCircleName(const std::string& name) {
  int64_t id = 0;
  if (!absl::StartsWith(name, "circles/") || name.size() > 40 ||
      !absl::SimpleAtoi(absl::string_view(name).substr(8), &id) || id <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("circle must be a circle resource name \"circles/{id}\", got \"",
                     name.substr(0, 60), "\""));
  }
  return absl::OkStatus();
}

std::string TraceParent(const grpc::ServerContext& context) {
  auto it = context.client_metadata().find("traceparent");
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

LendingService::LendingService(storage::Database* db, const auth::Authorizer* authorizer,
                               const MembershipClient* membership)
    : db_(db), authorizer_(authorizer), membership_(membership) {}

grpc::Status LendingService::GetCircleEligibility(grpc::ServerContext* context,
                                                  const v1::GetCircleEligibilityRequest* request,
                                                  v1::GetCircleEligibilityResponse* response) {
  return server::Serve(
      *authorizer_, context, *request, [&](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(ValidateCircleName(request->circle()));
        CERCLES_ASSIGN_OR_RETURN(membership::v1::Circle circle,
                                 membership_->GetCircle(request->circle(), TraceParent(*context)));
        *response->mutable_eligibility() = EvaluateCircle(circle);
        return absl::OkStatus();
      });
}

}  // namespace cercles::lending
