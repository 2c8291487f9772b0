// PrivacyService's handlers of people's access requests (Law 25: a person's
// access to, and copy of, their personal data, within 30 days).
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/access_request_rules.h"
#include "services/membership/people_rules.h"
#include "services/membership/privacy_service.h"

namespace cercles::membership {
namespace {

absl::Status AccessRequestNotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("access request ", api::Quoted(name), " does not exist"));
}

// The event of a request recorded or completed: ids and the state only.
absl::Status EmitAccessRequestChanged(storage::Transaction& tx, const MembershipContext& context,
                                      const v1::AccessRequest& request, absl::Time now) {
  v1::AccessRequestChanged event;
  event.set_access_request(request.name());
  event.set_person(request.person());
  event.set_state(request.state());
  return Emit(tx, context, request.name(), event, now);
}

// The request as answered: `overdue` as of `today`.
v1::AccessRequest AsOf(v1::AccessRequest request, absl::CivilDay today) {
  request.set_overdue(IsAccessRequestOverdue(request, today));
  return request;
}

}  // namespace

grpc::ServerUnaryReactor* PrivacyService::CreateAccessRequest(
    grpc::CallbackServerContext* context, const v1::CreateAccessRequestRequest* request,
    v1::CreateAccessRequestResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        if (!request->has_access_request()) {
          return api::InvalidField("access_request", "is required", api::reason::kFieldRequired);
        }
        const absl::CivilDay today = DayOf(context_.clock->Now());
        CERCLES_ASSIGN_OR_RETURN(v1::AccessRequest normalised,
                                 NormaliseAccessRequest(request->access_request(), today));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> person,
                                       people_.Get(tx, AccessRequestPersonId(normalised)));
              if (!person.has_value()) {
                return absl::NotFoundError(absl::StrCat(
                    "access_request.person ", api::Quoted(normalised.person()), " does not exist"));
              }
              CERCLES_ASSIGN_OR_RETURN(
                  v1::AccessRequest stored,
                  access_requests_.Insert(tx, normalised, who.ToString(), now));
              CERCLES_RETURN_IF_ERROR(EmitAccessRequestChanged(tx, context_, stored, now));
              *response->mutable_access_request() = AsOf(std::move(stored), DayOf(now));
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PrivacyService::GetAccessRequest(
    grpc::CallbackServerContext* context, const v1::GetAccessRequestRequest* request,
    v1::GetAccessRequestResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal&) -> absl::Status {
                         CERCLES_ASSIGN_OR_RETURN(
                             int64_t id, api::ParseName(request->name(), "accessRequests", "name"));
                         CERCLES_ASSIGN_OR_RETURN(auto tx,
                                                  context_.db->Begin(storage::TxMode::kRead));
                         CERCLES_ASSIGN_OR_RETURN(std::optional<v1::AccessRequest> stored,
                                                  access_requests_.Get(*tx, id));
                         CERCLES_RETURN_IF_ERROR(tx->Commit());
                         if (!stored.has_value()) return AccessRequestNotFound(request->name());
                         *response->mutable_access_request() =
                             AsOf(*std::move(stored), DayOf(context_.clock->Now()));
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* PrivacyService::ListAccessRequests(
    grpc::CallbackServerContext* context, const v1::ListAccessRequestsRequest* request,
    v1::ListAccessRequestsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        const absl::CivilDay today = DayOf(context_.clock->Now());
        AccessRequestFilter filter;
        if (!request->person().empty()) {
          CERCLES_ASSIGN_OR_RETURN(filter.person_id,
                                   api::ParseName(request->person(), "people", "person"));
        }
        if (!v1::AccessRequestState_IsValid(request->state())) {
          return api::InvalidField(
              "state", absl::StrCat("must be ACCESS_REQUEST_STATE_OPEN, _DONE or unspecified, got ",
                                    static_cast<int>(request->state())));
        }
        filter.state = request->state();
        if (request->overdue_only()) {
          if (filter.state == v1::ACCESS_REQUEST_STATE_DONE) {
            return api::InvalidField("overdue_only",
                                     "must be false with state ACCESS_REQUEST_STATE_DONE (a done "
                                     "request is never overdue)",
                                     api::reason::kFieldsConflict);
          }
          filter.overdue_on = today;
        }
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after_id, api::DecodeIdPageToken(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::AccessRequest> rows,
                                 access_requests_.List(*tx, filter, after_id, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<v1::AccessRequest> page =
            api::TakePage(std::move(rows), page_size, [](const v1::AccessRequest& r) {
              return api::ParseName(r.name(), "accessRequests", "name").value_or(0);
            });
        for (v1::AccessRequest& r : page.rows) {
          *response->add_access_requests() = AsOf(std::move(r), today);
        }
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PrivacyService::CompleteAccessRequest(
    grpc::CallbackServerContext* context, const v1::CompleteAccessRequestRequest* request,
    v1::CompleteAccessRequestResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(request->name(), "accessRequests", "name"));
        if (!request->has_completion()) {
          return api::InvalidField("completion", "is required", api::reason::kFieldRequired);
        }
        CERCLES_ASSIGN_OR_RETURN(v1::AccessRequestCompletion completion,
                                 NormaliseAccessCompletion(request->completion()));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::AccessRequest> stored,
                                       access_requests_.Get(tx, id));
              if (!stored.has_value()) return AccessRequestNotFound(request->name());
              if (stored->state() != v1::ACCESS_REQUEST_STATE_OPEN) {
                return api::WithErrorInfo(
                    absl::FailedPreconditionError(absl::StrCat(
                        "access request ", api::Quoted(request->name()), " is already completed")),
                    api::reason::kPreconditionFailed);
              }
              CERCLES_ASSIGN_OR_RETURN(v1::AccessRequest done,
                                       access_requests_.Complete(tx, id, *std::move(stored),
                                                                 completion, who.ToString(), now));
              CERCLES_RETURN_IF_ERROR(EmitAccessRequestChanged(tx, context_, done, now));
              *response->mutable_access_request() = std::move(done);
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::membership
