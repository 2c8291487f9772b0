#include "services/membership/training_service.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/api/date.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/circle_rules.h"
#include "services/membership/erasure_rules.h"
#include "services/membership/people_rules.h"
#include "services/membership/people_service.h"
#include "services/membership/training_rules.h"

namespace cercles::membership {
namespace {

absl::Status TrainingNotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("training ", api::Quoted(name), " does not exist"));
}

// Training `id`, named `name` in the request; NOT_FOUND when it does not exist.
absl::StatusOr<Training> ExistingTraining(storage::Transaction& tx, const TrainingStore& trainings,
                                          int64_t id, const std::string& name) {
  CERCLES_ASSIGN_OR_RETURN(std::optional<Training> training, trainings.Get(tx, id));
  if (!training.has_value()) return TrainingNotFound(name);
  return *std::move(training);
}

// Page tokens of ListEnrolments hold "training_id:person_id".
absl::StatusOr<EnrolmentPosition> PositionFromPageToken(const std::string& token) {
  CERCLES_ASSIGN_OR_RETURN(std::string position, api::DecodePageToken(token));
  EnrolmentPosition after;
  if (position.empty()) return after;
  std::vector<std::string> parts = absl::StrSplit(position, ':');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &after.training_id) ||
      !absl::SimpleAtoi(parts[1], &after.person_id) || after.training_id < 0 ||
      after.person_id < 0) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  return after;
}

// The enrolment an EnrolPerson or CompleteTraining request names, after its
// request_id is checked.
struct EnrolmentKey {
  int64_t training_id = 0;
  int64_t person_id = 0;
};

template <typename Request>
absl::StatusOr<EnrolmentKey> ParseEnrolmentChange(const Request& request) {
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request.request_id()));
  EnrolmentKey key;
  CERCLES_ASSIGN_OR_RETURN(key.training_id,
                           api::ParseName(request.training(), "trainings", "training"));
  CERCLES_ASSIGN_OR_RETURN(key.person_id, api::ParseName(request.person(), "people", "person"));
  return key;
}

}  // namespace

grpc::ServerUnaryReactor* TrainingService::CreateTraining(grpc::CallbackServerContext* context,
                                                          const v1::CreateTrainingRequest* request,
                                                          v1::CreateTrainingResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(Training draft, DraftNewTraining(request->training()));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_ASSIGN_OR_RETURN(Training training,
                                                   trainings_.Insert(tx, draft, now));
                          v1::TrainingCreated event;
                          *event.mutable_training() = training;
                          CERCLES_RETURN_IF_ERROR(Emit(tx, context_, training.name(), event, now));
                          *response->mutable_training() = std::move(training);
                          return absl::OkStatus();
                        });
      });
}

grpc::ServerUnaryReactor* TrainingService::GetTraining(grpc::CallbackServerContext* context,
                                                       const v1::GetTrainingRequest* request,
                                                       v1::GetTrainingResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "trainings", "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(*response->mutable_training(),
                                 ExistingTraining(*tx, trainings_, id, request->name()));
        return tx->Commit();
      });
}

grpc::ServerUnaryReactor* TrainingService::ListTrainings(grpc::CallbackServerContext* context,
                                                         const v1::ListTrainingsRequest* request,
                                                         v1::ListTrainingsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after_id, api::DecodeIdPageToken(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        // One extra row tells whether another page exists without a second query.
        CERCLES_ASSIGN_OR_RETURN(std::vector<Training> trainings,
                                 trainings_.List(*tx, after_id, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<Training> page =
            api::TakePage(std::move(trainings), page_size, [](const Training& t) {
              return api::ParseName(t.name(), "trainings", "name").value_or(0);
            });
        for (Training& t : page.rows) *response->add_trainings() = std::move(t);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TrainingService::EnrolPerson(grpc::CallbackServerContext* context,
                                                       const v1::EnrolPersonRequest* request,
                                                       v1::EnrolPersonResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(const EnrolmentKey key, ParseEnrolmentChange(*request));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              // Takes the person's lock: one enrolment of a pair at a time.
              CERCLES_ASSIGN_OR_RETURN(PersonFacts person, LoadPersonFacts(tx, key.person_id));
              CERCLES_RETURN_IF_ERROR(
                  CheckPersonAccess(tx, who, key.person_id, CircleAccess::kManage));
              CERCLES_RETURN_IF_ERROR(
                  ExistingTraining(tx, trainings_, key.training_id, request->training()).status());
              if (!person.exists) return PersonNotFound(request->person());
              if (person.erased) {
                return ErasedPersonRefusal(request->person(),
                                           "an erased person is not enrolled in a training");
              }
              if (!person.active) {
                return absl::FailedPreconditionError(
                    absl::StrCat(request->person(),
                                 " is withdrawn from the fund: only an active person is "
                                 "enrolled in a training"));
              }
              CERCLES_ASSIGN_OR_RETURN(std::optional<Enrolment> existing,
                                       trainings_.GetEnrolment(tx, key.training_id, key.person_id));
              if (existing.has_value()) {
                return absl::AlreadyExistsError(absl::StrCat(
                    request->person(), " is already enrolled in ", request->training()));
              }
              CERCLES_ASSIGN_OR_RETURN(Enrolment enrolment,
                                       trainings_.Enrol(tx, key.training_id, key.person_id, now));
              v1::PersonEnrolled event;
              *event.mutable_enrolment() = enrolment;
              CERCLES_RETURN_IF_ERROR(Emit(tx, context_, enrolment.name(), event, now));
              *response->mutable_enrolment() = std::move(enrolment);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* TrainingService::CompleteTraining(
    grpc::CallbackServerContext* context, const v1::CompleteTrainingRequest* request,
    v1::CompleteTrainingResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(const EnrolmentKey key, ParseEnrolmentChange(*request));
        if (!request->has_completion_date()) {
          return absl::InvalidArgumentError("completion_date is required");
        }
        CERCLES_RETURN_IF_ERROR(
            api::DayFromDate(request->completion_date(), "completion_date").status());
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(PeopleStore::Lock(tx, key.person_id));
              CERCLES_RETURN_IF_ERROR(
                  CheckPersonAccess(tx, who, key.person_id, CircleAccess::kManage));
              CERCLES_ASSIGN_OR_RETURN(
                  const Training training,
                  ExistingTraining(tx, trainings_, key.training_id, request->training()));
              CERCLES_ASSIGN_OR_RETURN(std::optional<Enrolment> enrolment,
                                       trainings_.GetEnrolment(tx, key.training_id, key.person_id));
              if (!enrolment.has_value()) {
                CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> person,
                                         people_.Get(tx, key.person_id));
                if (!person.has_value()) return PersonNotFound(request->person());
                return absl::FailedPreconditionError(
                    absl::StrCat(request->person(), " is not enrolled in ", request->training(),
                                 ": enrol them first"));
              }
              if (enrolment->has_completion_date()) {
                return absl::FailedPreconditionError(
                    absl::StrCat(request->person(), " already completed ", request->training(),
                                 " on ", api::FormatDate(enrolment->completion_date())));
              }
              CERCLES_RETURN_IF_ERROR(
                  CheckCompletionDate(request->completion_date(), training, DayOf(now)));
              CERCLES_ASSIGN_OR_RETURN(Enrolment completed,
                                       trainings_.Complete(tx, key.training_id, key.person_id,
                                                           request->completion_date(), now));
              CERCLES_ASSIGN_OR_RETURN(int count, trainings_.CompletedCount(tx, key.person_id));
              v1::TrainingCompleted event;
              *event.mutable_enrolment() = completed;
              event.set_trainings_completed(count);
              CERCLES_RETURN_IF_ERROR(Emit(tx, context_, completed.name(), event, now));
              *response->mutable_enrolment() = std::move(completed);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* TrainingService::ListEnrolments(grpc::CallbackServerContext* context,
                                                          const v1::ListEnrolmentsRequest* request,
                                                          v1::ListEnrolmentsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(EnrolmentPosition after,
                                 PositionFromPageToken(request->page_token()));
        if (request->training().empty() && request->person().empty()) {
          return absl::InvalidArgumentError(
              "training or person is required: whose enrolments to list");
        }
        EnrolmentFilter filter;
        if (!request->training().empty()) {
          CERCLES_ASSIGN_OR_RETURN(filter.training_id,
                                   api::ParseName(request->training(), "trainings", "training"));
        }
        if (!request->person().empty()) {
          CERCLES_ASSIGN_OR_RETURN(filter.person_id,
                                   api::ParseName(request->person(), "people", "person"));
        }
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        // An advisor sees the enrolments of their circles' members and of people
        // in no circle.
        if (filter.person_id != 0) {
          CERCLES_RETURN_IF_ERROR(
              CheckPersonAccess(*tx, who, filter.person_id, CircleAccess::kRead));
        }
        CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope,
                                 CircleScopeOf(*tx, who, CircleAccess::kRead));
        filter.visible_circles = VisibleCirclesOf(scope);
        // One extra row tells whether another page exists without a second query.
        CERCLES_ASSIGN_OR_RETURN(std::vector<Enrolment> enrolments,
                                 trainings_.ListEnrolments(*tx, filter, after, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<Enrolment> page =
            api::TakePage(std::move(enrolments), page_size, [](const Enrolment& last) {
              return absl::StrCat(
                  api::ParseName(last.training(), "trainings", "training").value_or(0), ":",
                  api::ParseName(last.person(), "people", "person").value_or(0));
            });
        for (Enrolment& e : page.rows) *response->add_enrolments() = std::move(e);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

}  // namespace cercles::membership
