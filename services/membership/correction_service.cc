// PeopleService's correction RPCs (Quebec's Law 25: right of rectification;
// issue 14, item 3): CorrectPerson and ListPersonCorrections.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/circle_rules.h"
#include "services/membership/correction_rules.h"
#include "services/membership/people_rules.h"
#include "services/membership/people_service.h"

namespace cercles::membership {

grpc::ServerUnaryReactor* PeopleService::CorrectPerson(grpc::CallbackServerContext* context,
                                                       const v1::CorrectPersonRequest* request,
                                                       v1::CorrectPersonResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(request->person().name(), "people", "person.name"));
        CERCLES_ASSIGN_OR_RETURN(const google::protobuf::FieldMask mask,
                                 CorrectionMask(request->update_mask()));
        CorrectionNote note;
        CERCLES_ASSIGN_OR_RETURN(note.reason, NormaliseReason(request->reason(), "reason"));
        note.requested_by_person = request->requested_by_person();
        note.actor = who.ToString();
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(Person stored,
                                       LockManagedPerson(tx, who, id, request->person().name()));
              // The values by the rules of UpdatePerson: the same merge, the same checks.
              CERCLES_ASSIGN_OR_RETURN(Person merged,
                                       ApplyPersonMask(stored, request->person(), mask));
              CERCLES_ASSIGN_OR_RETURN(Person normalised, NormalisePerson(merged, DayOf(now)));
              const std::vector<std::string> fields = CorrectedFields(stored, normalised, mask);
              if (fields.empty()) {
                return absl::FailedPreconditionError(absl::StrCat(
                    stored.name(), " already holds the values given for ",
                    api::Quoted(absl::StrJoin(mask.paths(), ",")), ": nothing to correct"));
              }
              CERCLES_ASSIGN_OR_RETURN(std::vector<v1::PersonCorrection> corrections,
                                       corrections_.Record(tx, id, fields, note, now));
              google::protobuf::FieldMask corrected;
              for (const std::string& field : fields) corrected.add_paths(field);
              CERCLES_ASSIGN_OR_RETURN(*response->mutable_person(),
                                       StoreAndAnnounce(tx, id, normalised, corrected, now));
              response->clear_corrections();
              for (v1::PersonCorrection& c : corrections)
                *response->add_corrections() = std::move(c);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PeopleService::ListPersonCorrections(
    grpc::CallbackServerContext* context, const v1::ListPersonCorrectionsRequest* request,
    v1::ListPersonCorrectionsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(const std::vector<std::string> fields,
                                 CorrectionFilterPaths(request->field_path()));
        return ListHistory<v1::PersonCorrection>(
            who, request->person(), request->page_size(), request->page_token(),
            [&](storage::Transaction& tx, int64_t id, int64_t before_id, int limit) {
              return corrections_.List(tx, id, fields, before_id, limit);
            },
            [](const v1::PersonCorrection& c) { return PersonCorrectionId(c.name()); },
            response->mutable_corrections(), response->mutable_next_page_token());
      });
}

}  // namespace cercles::membership
