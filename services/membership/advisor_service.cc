// MembershipService's advisors: create, list, and assign one to a circle.
#include "cercles/membership/v1/events.pb.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/circle_rules.h"
#include "services/membership/membership_service.h"

namespace cercles::membership {

grpc::ServerUnaryReactor* MembershipService::CreateAdvisor(grpc::CallbackServerContext* context,
                                                           const v1::CreateAdvisorRequest* request,
                                                           v1::CreateAdvisorResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::Advisor draft, DraftAdvisor(request->advisor()));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_ASSIGN_OR_RETURN(v1::Advisor advisor,
                                                   circles_.InsertAdvisor(tx, draft, now));
                          v1::AdvisorCreated event;
                          *event.mutable_advisor() = advisor;
                          CERCLES_RETURN_IF_ERROR(Emit(tx, context_, advisor.name(), event, now));
                          *response->mutable_advisor() = std::move(advisor);
                          return absl::OkStatus();
                        });
      });
}

grpc::ServerUnaryReactor* MembershipService::ListAdvisors(grpc::CallbackServerContext* context,
                                                          const v1::ListAdvisorsRequest* request,
                                                          v1::ListAdvisorsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after, api::DecodeIdPageToken(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Advisor> advisors,
                                 circles_.ListAdvisors(*tx, after, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<v1::Advisor> page =
            api::TakePage(std::move(advisors), page_size, [](const v1::Advisor& a) {
              return api::ParseName(a.name(), "advisors", "name").value_or(0);
            });
        for (auto& a : page.rows) *response->add_advisors() = std::move(a);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* MembershipService::AssignCircleAdvisor(
    grpc::CallbackServerContext* context, const v1::AssignCircleAdvisorRequest* request,
    v1::AssignCircleAdvisorResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 api::ParseName(request->circle(), "circles", "circle"));
        CERCLES_ASSIGN_OR_RETURN(int64_t advisor_id,
                                 api::ParseName(request->advisor(), "advisors", "advisor"));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(bool exists, circles_.AdvisorExists(tx, advisor_id));
              if (!exists) {
                return absl::NotFoundError(
                    absl::StrCat("advisor \"", request->advisor(), "\" does not exist"));
              }
              CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, circle_id));
              CERCLES_RETURN_IF_ERROR(CheckCircleStillChanges(state.status, CircleName(circle_id)));
              CERCLES_RETURN_IF_ERROR(circles_.SetAdvisor(tx, circle_id, advisor_id, now));
              return EmitCircleUpdated(tx, circle_id, now, response->mutable_circle());
            });
      });
}

}  // namespace cercles::membership
