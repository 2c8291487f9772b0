// PeopleService's consent RPCs: RecordConsent and ListConsentChanges.
#include <google/protobuf/util/message_differencer.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/api/error_details.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/consent_rules.h"
#include "services/membership/people_rules.h"
#include "services/membership/people_service.h"

namespace cercles::membership {
grpc::ServerUnaryReactor* PeopleService::RecordConsent(grpc::CallbackServerContext* context,
                                                       const v1::RecordConsentRequest* request,
                                                       v1::RecordConsentResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->person(), "people", "person"));
        if (!request->has_change()) {
          return api::InvalidField("change", "is required", api::reason::kFieldRequired);
        }
        CERCLES_ASSIGN_OR_RETURN(ConsentChange change, NormaliseConsentChange(request->change()));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(Person stored,
                                       LockManagedPerson(tx, who, id, request->person()));
              CERCLES_ASSIGN_OR_RETURN(RecordedConsents recorded,
                                       consents_.Record(tx, id, {change}, who.ToString(), now));
              if (!google::protobuf::util::MessageDifferencer::Equals(recorded.before,
                                                                      recorded.after)) {
                // The state changed: network and federation follow it through
                // PersonUpdated, as they follow every other change of a person.
                google::protobuf::FieldMask consents;
                consents.add_paths("consents");
                CERCLES_RETURN_IF_ERROR(StoreAndAnnounce(tx, id, stored, consents, now).status());
              }
              *response->mutable_change() = std::move(recorded.changes.front());
              *response->mutable_consents() = std::move(recorded.after);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PeopleService::ListConsentChanges(
    grpc::CallbackServerContext* context, const v1::ListConsentChangesRequest* request,
    v1::ListConsentChangesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        if (!v1::ConsentPurpose_IsValid(request->purpose())) {
          return api::InvalidField("purpose", absl::StrCat("is not a known ConsentPurpose (got ",
                                                           request->purpose(), ")"));
        }
        return ListHistory<ConsentChange>(
            who, request->person(), request->page_size(), request->page_token(),
            [&](storage::Transaction& tx, int64_t id, int64_t before_id, int limit) {
              return consents_.List(tx, id, request->purpose(), before_id, limit);
            },
            [](const ConsentChange& c) { return ConsentChangeId(c.name()); },
            response->mutable_changes(), response->mutable_next_page_token());
      });
}

}  // namespace cercles::membership
