// PrivacyService.ErasePerson (Quebec's Law 25: destruction or anonymisation of
// personal data once its purpose is served; issue 14, item 4).
//
// One transaction through RunWrite: the person's row (pseudonym, status ERASED,
// consents withdrawn with their history rows), the free text about them in
// other tables (ErasureStore) and their access requests' notes, membership's earlier events and
// stored answers (service::ScrubPersonRecords) and the PersonUpdated and PersonErased events commit
// together or not at all; a crash before the COMMIT leaves the person as they were, and the events
// of a committed erasure are served after a restart like any other. After the COMMIT,
// Database::ReclaimDeleted removes the old bytes from the files; when that fails the answer is
// UNAVAILABLE and a retry of the same request (a replay) runs it again.
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/api/resource_name.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/service/erasure.h"
#include "common/util/status.h"
#include "services/membership/consent_rules.h"
#include "services/membership/erasure_rules.h"
#include "services/membership/people_rules.h"
#include "services/membership/privacy_service.h"

namespace cercles::membership {

absl::StatusOr<v1::Person> PrivacyService::ErasePersonIn(storage::Transaction& tx, int64_t id,
                                                         const std::string& name,
                                                         v1::ErasureReason reason,
                                                         const std::string& actor,
                                                         absl::Time now) const {
  CERCLES_RETURN_IF_ERROR(PeopleStore::Lock(tx, id));
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> stored, people_.Get(tx, id));
  if (!stored.has_value()) return PersonNotFound(name);
  if (stored->status() == v1::PERSON_STATUS_ERASED) return *std::move(stored);  // done before
  CERCLES_RETURN_IF_ERROR(CheckErasable(*stored));
  const v1::Person erased = ErasedPerson(*stored, id);
  CERCLES_RETURN_IF_ERROR(
      consents_
          .Record(tx, id, PersonRecordConsentChanges(stored->consents(), erased.consents()), actor,
                  now)
          .status());
  CERCLES_ASSIGN_OR_RETURN(v1::Person updated, people_.Update(tx, id, erased, now));
  CERCLES_RETURN_IF_ERROR(erasures_.Erase(tx, id, reason, actor, now));
  const redaction::PersonErasure erasure = ErasureOf(*stored, updated, id);
  CERCLES_RETURN_IF_ERROR(access_requests_.ErasePerson(tx, erasure));
  CERCLES_RETURN_IF_ERROR(service::ScrubPersonRecords(tx, erasure).status());
  v1::PersonUpdated updated_event;
  *updated_event.mutable_person() = MinimisedPerson(updated);
  for (const char* path : {"given_name", "family_name", "contact", "birth_date", "gender",
                           "business", "expertise", "expertise_opt_in", "consents", "status"}) {
    updated_event.mutable_update_mask()->add_paths(path);
  }
  CERCLES_RETURN_IF_ERROR(Emit(tx, context_, updated.name(), updated_event, now));
  v1::PersonErased erased_event;
  erased_event.set_person(updated.name());
  erased_event.set_reason(reason);
  CERCLES_RETURN_IF_ERROR(Emit(tx, context_, updated.name(), erased_event, now));
  return updated;
}

grpc::ServerUnaryReactor* PrivacyService::ErasePerson(grpc::CallbackServerContext* context,
                                                      const v1::ErasePersonRequest* request,
                                                      v1::ErasePersonResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->person(), "people", "person"));
        CERCLES_ASSIGN_OR_RETURN(v1::ErasureReason reason,
                                 CheckErasureReason(request->reason(), "reason"));
        CERCLES_RETURN_IF_ERROR(
            RunWrite(context_, context, *request, response,
                     [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                       CERCLES_ASSIGN_OR_RETURN(
                           *response->mutable_person(),
                           ErasePersonIn(tx, id, request->person(), reason, who.ToString(), now));
                       return absl::OkStatus();
                     }));
        absl::Status reclaimed = context_.db->ReclaimDeleted(ErasureStore::Tables());
        if (!reclaimed.ok()) {
          return absl::UnavailableError(absl::StrCat(
              request->person(),
              " is erased, but the old bytes are not yet removed from the database files (",
              reclaimed.message(), "): send the same request again"));
        }
        return absl::OkStatus();
      });
}

}  // namespace cercles::membership
