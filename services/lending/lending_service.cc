#include "services/lending/lending_service.h"

#include "common/api/resource_name.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/lending/eligibility.h"
#include "services/lending/loan_access.h"
#include "services/lending/membership_client.h"

namespace cercles::lending {

grpc::ServerUnaryReactor* LendingService::GetCircleEligibility(
    grpc::CallbackServerContext* context, const v1::GetCircleEligibilityRequest* request,
    v1::GetCircleEligibilityResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(api::ParseName(request->circle(), "circles", "circle").status());
        CERCLES_ASSIGN_OR_RETURN(
            membership::v1::Circle circle,
            context_.membership->GetCircle(request->circle(), TraceParentOf(*context)));
        // An advisor asks only about the circles assigned to them.
        CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(
                  auth::CircleScope scope,
                  CircleScopeOf(tx, who, {KnownCircle{circle.name(), circle.advisor()}}));
              if (scope.ContainsName(circle.name())) return absl::OkStatus();
              return auth::CheckCircleInScope(scope, who,
                                              auth::CircleIdOfName(circle.name()).value_or(0),
                                              auth::CircleAccess::kRead);
            }));
        *response->mutable_eligibility() = EvaluateCircle(circle);
        return absl::OkStatus();
      });
}

}  // namespace cercles::lending
