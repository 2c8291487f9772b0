#include "services/membership/people_service.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/circle_rules.h"
#include "services/membership/consent_rules.h"
#include "services/membership/erasure_rules.h"
#include "services/membership/people_rules.h"
#include "services/membership/training_rules.h"

namespace cercles::membership {
namespace {

using cercles::membership::v1::Person;

// What a caller may see of a person: staff everything, services the
// minimised person (as in events).
Person AsSeenBy(const auth::Principal& who, Person person) {
  if (who.role == cercles::common::v1::ROLE_ADMIN || who.role == cercles::common::v1::ROLE_ADVISOR)
    return person;
  return MinimisedPerson(std::move(person));
}

// The fields a client sets, for comparing a stored person with an update.
Person WithoutOutputOnly(Person person) {
  person.clear_name();
  person.clear_current_circle();
  person.clear_trainings_completed();
  person.clear_create_time();
  person.clear_update_time();
  return person;
}

absl::StatusOr<std::string> NormaliseFilterText(const std::string& text, const std::string& field,
                                                size_t max) {
  CERCLES_ASSIGN_OR_RETURN(std::string out, api::CleanText(text, field, api::OneLine(0, max)));
  return SearchKey(out);
}

}  // namespace

absl::StatusOr<Person> PeopleService::LockManagedPerson(storage::Transaction& tx,
                                                        const auth::Principal& who, int64_t id,
                                                        const std::string& name) const {
  CERCLES_RETURN_IF_ERROR(PeopleStore::Lock(tx, id));
  CERCLES_RETURN_IF_ERROR(CheckPersonAccess(tx, who, id, CircleAccess::kManage));
  CERCLES_ASSIGN_OR_RETURN(std::optional<Person> stored, people_.Get(tx, id));
  if (!stored.has_value()) return PersonNotFound(name);
  if (stored->status() == v1::PERSON_STATUS_ERASED) {
    return ErasedPersonRefusal(name, "their record is no longer updated, corrected or consented");
  }
  return *std::move(stored);
}

absl::StatusOr<Person> PeopleService::ReadVisiblePerson(storage::Transaction& tx,
                                                        const auth::Principal& who, int64_t id,
                                                        const std::string& name) const {
  CERCLES_ASSIGN_OR_RETURN(std::optional<Person> person, people_.Get(tx, id));
  if (!person.has_value()) return PersonNotFound(name);
  CERCLES_RETURN_IF_ERROR(CheckPersonAccess(tx, who, id, CircleAccess::kRead));
  return *std::move(person);
}

absl::StatusOr<Person> PeopleService::StoreAndAnnounce(storage::Transaction& tx, int64_t id,
                                                       const Person& person,
                                                       const google::protobuf::FieldMask& mask,
                                                       absl::Time now) const {
  CERCLES_ASSIGN_OR_RETURN(Person updated, people_.Update(tx, id, person, now));
  v1::PersonUpdated event;
  *event.mutable_person() = MinimisedPerson(updated);
  *event.mutable_update_mask() = mask;
  CERCLES_RETURN_IF_ERROR(Emit(tx, context_, updated.name(), event, now));
  return updated;
}

grpc::ServerUnaryReactor* PeopleService::CreatePerson(grpc::CallbackServerContext* context,
                                                      const v1::CreatePersonRequest* request,
                                                      v1::CreatePersonResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(Person draft,
                                 NormalisePerson(request->person(), DayOf(context_.clock->Now())));
        if (request->validate_only()) {
          *response->mutable_person() = std::move(draft);
          return absl::OkStatus();
        }
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(Person person, people_.Insert(tx, draft, now));
              CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                       api::ParseName(person.name(), "people", "person.name"));
              CERCLES_ASSIGN_OR_RETURN(
                  RecordedConsents consents,
                  consents_.Record(tx, id, PersonRecordConsentChanges({}, draft.consents()),
                                   who.ToString(), now));
              *person.mutable_consents() = std::move(consents.after);
              v1::PersonCreated event;
              *event.mutable_person() = MinimisedPerson(person);
              CERCLES_RETURN_IF_ERROR(Emit(tx, context_, person.name(), event, now));
              *response->mutable_person() = std::move(person);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PeopleService::GetPerson(grpc::CallbackServerContext* context,
                                                   const v1::GetPersonRequest* request,
                                                   v1::GetPersonResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "people", "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(Person person, ReadVisiblePerson(*tx, who, id, request->name()));
        *response->mutable_person() = AsSeenBy(who, std::move(person));
        return tx->Commit();
      });
}

grpc::ServerUnaryReactor* PeopleService::UpdatePerson(grpc::CallbackServerContext* context,
                                                      const v1::UpdatePersonRequest* request,
                                                      v1::UpdatePersonResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(request->person().name(), "people", "person.name"));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(Person stored,
                                       LockManagedPerson(tx, who, id, request->person().name()));
              CERCLES_ASSIGN_OR_RETURN(Person merged, ApplyPersonMask(stored, request->person(),
                                                                      request->update_mask()));
              CERCLES_ASSIGN_OR_RETURN(Person normalised, NormalisePerson(merged, DayOf(now)));
              if (normalised.status() == v1::PERSON_STATUS_WITHDRAWN &&
                  stored.status() != v1::PERSON_STATUS_WITHDRAWN &&
                  !stored.current_circle().empty()) {
                return absl::FailedPreconditionError(absl::StrCat(
                    stored.name(), " is a member of ", stored.current_circle(),
                    ": record their departure from the circle before withdrawing them"));
              }
              if (google::protobuf::util::MessageDifferencer::Equals(normalised,
                                                                     WithoutOutputOnly(stored))) {
                *response->mutable_person() = std::move(stored);  // nothing changes
                return absl::OkStatus();
              }
              CERCLES_RETURN_IF_ERROR(
                  consents_
                      .Record(tx, id,
                              PersonRecordConsentChanges(stored.consents(), normalised.consents()),
                              who.ToString(), now)
                      .status());
              CERCLES_ASSIGN_OR_RETURN(
                  *response->mutable_person(),
                  StoreAndAnnounce(tx, id, normalised, request->update_mask(), now));
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PeopleService::ListPeople(grpc::CallbackServerContext* context,
                                                    const v1::ListPeopleRequest* request,
                                                    v1::ListPeopleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after_id, api::DecodeIdPageToken(request->page_token()));
        PeopleFilter filter;
        if (!v1::PersonStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known PersonStatus");
        }
        filter.status = request->status();
        CERCLES_ASSIGN_OR_RETURN(
            filter.name_prefix,
            NormaliseFilterText(request->name_prefix(), "name_prefix", kMaxPersonNameLength));
        CERCLES_ASSIGN_OR_RETURN(
            filter.sector, NormaliseFilterText(request->sector(), "sector", kMaxSectorLength));
        if (!request->circle().empty()) {
          CERCLES_ASSIGN_OR_RETURN(filter.circle_id,
                                   api::ParseName(request->circle(), "circles", "circle"));
        }
        if (!request->cohort().empty()) {
          CERCLES_ASSIGN_OR_RETURN(filter.training_id,
                                   api::ParseName(request->cohort(), "trainings", "cohort"));
        }
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        // An advisor lists the members of their circles and the people in no
        // circle; naming another circle is refused as ListCircleMembers refuses it.
        CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope,
                                 CircleScopeOf(*tx, who, CircleAccess::kRead));
        if (filter.circle_id != 0) {
          CERCLES_RETURN_IF_ERROR(
              auth::CheckCircleInScope(scope, who, filter.circle_id, CircleAccess::kRead));
        }
        filter.visible_circles = VisibleCirclesOf(scope);
        // One extra row tells whether another page exists without a second query.
        CERCLES_ASSIGN_OR_RETURN(std::vector<Person> people,
                                 people_.List(*tx, filter, after_id, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<Person> page = api::TakePage(std::move(people), page_size, [](const Person& p) {
          return api::ParseName(p.name(), "people", "name").value_or(0);
        });
        for (Person& p : page.rows) *response->add_people() = AsSeenBy(who, std::move(p));
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

}  // namespace cercles::membership
