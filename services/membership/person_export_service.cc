// PrivacyService's ExportPersonData: everything membership holds about one
// person, for their access request (Law 25), each part read with the store
// function its own list RPC uses, in that RPC's order.
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/meeting_rules.h"
#include "services/membership/privacy_service.h"

namespace cercles::membership {
namespace {

// A person's records are read whole: a person's history is small (a stay in a
// few circles, a meeting a week).
constexpr int kAll = std::numeric_limits<int>::max();

// The person's own lines of `meeting`: their attendance entry and follow-up.
v1::MeetingParticipation ParticipationOf(const v1::Meeting& meeting, const std::string& person) {
  v1::MeetingParticipation out;
  out.set_meeting(meeting.name());
  *out.mutable_meeting_date() = meeting.meeting_date();
  for (const v1::Attendance& a : meeting.attendance()) {
    if (a.person() == person) *out.mutable_attendance() = a;
  }
  for (const v1::BusinessFollowUp& f : meeting.follow_ups()) {
    if (f.person() == person) *out.mutable_follow_up() = f;
  }
  return out;
}

}  // namespace

absl::Status PrivacyService::ExportPerson(storage::Transaction& tx, int64_t id,
                                          const std::string& name,
                                          v1::ExportPersonDataResponse* response) const {
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> person, people_.Get(tx, id));
  if (!person.has_value()) {
    return absl::NotFoundError(absl::StrCat("person ", api::Quoted(name), " does not exist"));
  }
  *response->mutable_person() = *std::move(person);
  response->set_fund_id(context_.fund_id);
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::ConsentChange> consents,
                           consents_.List(tx, id, v1::CONSENT_PURPOSE_UNSPECIFIED, 0, kAll));
  for (v1::ConsentChange& c : consents) *response->add_consent_changes() = std::move(c);
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::PersonCorrection> corrections,
                           corrections_.List(tx, id, {}, 0, kAll));
  for (v1::PersonCorrection& c : corrections) *response->add_corrections() = std::move(c);

  EnrolmentFilter enrolled;
  enrolled.person_id = id;
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Enrolment> enrolments,
                           trainings_.ListEnrolments(tx, enrolled, EnrolmentPosition{}, kAll));
  for (v1::Enrolment& e : enrolments) {
    CERCLES_ASSIGN_OR_RETURN(int64_t training_id,
                             api::ParseName(e.training(), "trainings", "training"));
    CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Training> training, trainings_.Get(tx, training_id));
    if (training.has_value()) *response->add_trainings() = *std::move(training);
    *response->add_enrolments() = std::move(e);
  }

  CERCLES_ASSIGN_OR_RETURN(std::vector<MemberRow> stays, circles_.StaysOf(tx, id));
  for (const MemberRow& stay : stays) *response->add_circle_memberships() = MemberMessage(stay);

  CERCLES_ASSIGN_OR_RETURN(std::vector<MeetingKey> attended, meetings_.MeetingsAttendedBy(tx, id));
  for (const MeetingKey& key : attended) {
    CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Meeting> meeting, meetings_.GetMeeting(tx, key));
    if (meeting.has_value()) *response->add_meetings() = ParticipationOf(*meeting, name);
  }

  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::BusinessHistoryEntry> history,
                           business_.List(tx, id, std::nullopt, kAll));
  for (v1::BusinessHistoryEntry& h : history) *response->add_business_history() = std::move(h);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PrivacyService::ExportPersonData(
    grpc::CallbackServerContext* context, const v1::ExportPersonDataRequest* request,
    v1::ExportPersonDataResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->person(), "people", "person"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(ExportPerson(*tx, id, request->person(), response));
        return tx->Commit();
      });
}

}  // namespace cercles::membership
