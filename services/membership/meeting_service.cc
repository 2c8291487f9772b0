#include "services/membership/meeting_service.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/api/date.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/business_outcome_rules.h"
#include "services/membership/circle_rules.h"
#include "services/membership/meeting_rules.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {
namespace {

// A full page of meetings stops growing past this many bytes (minutes run to
// 20,000 characters), far below gRPC's 4 MiB default message limit.
constexpr size_t kFullPageByteBudget = 1 << 20;

std::string EncodePosition(const MeetingListPosition& position) {
  return api::EncodePageToken(absl::StrCat(position.day, ":", position.meeting_id));
}

absl::StatusOr<std::optional<MeetingListPosition>> DecodePosition(const std::string& token) {
  CERCLES_ASSIGN_OR_RETURN(std::string position, api::DecodePageToken(token));
  if (position.empty()) return std::optional<MeetingListPosition>();
  std::vector<std::string> parts = absl::StrSplit(position, ':');
  MeetingListPosition decoded;
  if (parts.size() != 2 || !api::ParseDate(parts[0]).has_value() ||
      !absl::SimpleAtoi(parts[1], &decoded.meeting_id) || decoded.meeting_id <= 0) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  decoded.day = parts[0];
  return std::optional<MeetingListPosition>(decoded);
}

v1::MeetingRecorded RecordedEvent(const v1::Meeting& meeting, const std::string& circle_name) {
  v1::MeetingRecorded event;
  event.set_meeting(meeting.name());
  event.set_circle(circle_name);
  *event.mutable_meeting_date() = meeting.meeting_date();
  for (const v1::Attendance& entry : meeting.attendance()) {
    v1::Attendance* out = event.add_attendance();
    out->set_person(entry.person());
    out->set_status(entry.status());
  }
  *event.mutable_counts() = meeting.counts();
  for (const v1::BusinessFollowUp& follow_up : meeting.follow_ups()) {
    for (int kind : follow_up.help_offered()) {
      if (kind == v1::HELP_KIND_REFERRAL_NEEDED)
        event.add_people_needing_referral(follow_up.person());
    }
    if (follow_up.has_outcome()) {
      v1::OutcomeRecorded* outcome = event.add_outcomes();
      outcome->set_person(follow_up.person());
      *outcome->mutable_outcome() = follow_up.outcome();
    }
  }
  return event;
}

}  // namespace

MeetingService::MeetingService(const MembershipContext& context) : context_(context) {}

absl::CivilDay MeetingService::Today() const { return DayOf(context_.clock->Now()); }

absl::Status MeetingService::CheckAccessBeforeWrite(const auth::Principal& who,
                                                    int64_t circle_id) const {
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
  CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, circle_id, CircleAccess::kManage));
  return tx->Commit();
}

absl::Status MeetingService::CheckCircleMeets(storage::Transaction& tx, const auth::Principal& who,
                                              int64_t circle_id) const {
  CERCLES_RETURN_IF_ERROR(CheckCircleAccess(tx, who, circle_id, CircleAccess::kManage));
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::CircleStatus> status,
                           meetings_.CircleStatusOf(tx, circle_id));
  if (!status.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("circle \"", CircleName(circle_id), "\" does not exist"));
  }
  return CheckCircleMayMeet(*status, CircleName(circle_id));
}

grpc::ServerUnaryReactor* MeetingService::SetMeetingSchedule(
    grpc::CallbackServerContext* context, const v1::SetMeetingScheduleRequest* request,
    v1::SetMeetingScheduleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(ScheduleDraft draft, DraftSchedule(request->schedule()));
        CERCLES_RETURN_IF_ERROR(CheckAccessBeforeWrite(who, draft.circle_id));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_RETURN_IF_ERROR(CheckCircleMeets(tx, who, draft.circle_id));
                          CERCLES_ASSIGN_OR_RETURN(
                              v1::MeetingSchedule schedule,
                              meetings_.PutSchedule(tx, draft, who.ToString(), now));
                          v1::MeetingScheduleSet event;
                          *event.mutable_schedule() = schedule;
                          CERCLES_RETURN_IF_ERROR(Emit(tx, context_, schedule.name(), event, now));
                          *response->mutable_schedule() = std::move(schedule);
                          return absl::OkStatus();
                        });
      });
}

grpc::ServerUnaryReactor* MeetingService::GetMeetingSchedule(
    grpc::CallbackServerContext* context, const v1::GetMeetingScheduleRequest* request,
    v1::GetMeetingScheduleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 ParseMeetingScheduleName(request->name(), "name"));
        CERCLES_ASSIGN_OR_RETURN(int upcoming, NormaliseUpcomingCount(request->upcoming_count()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, circle_id, CircleAccess::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::MeetingSchedule> schedule,
                                 meetings_.GetSchedule(*tx, circle_id));
        if (!schedule.has_value()) {
          return absl::NotFoundError(absl::StrCat(CircleName(circle_id),
                                                  " has no meeting schedule (SetMeetingSchedule "
                                                  "sets one)"));
        }
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::CircleStatus> status,
                                 meetings_.CircleStatusOf(*tx, circle_id));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        // A circle that no longer meets keeps its schedule but plans nothing.
        const bool meets =
            status.has_value() && CheckCircleMayMeet(*status, CircleName(circle_id)).ok();
        if (meets) {
          const auto& first = schedule->first_meeting_date();
          const absl::CivilDay first_day(first.year(), first.month(), first.day());
          for (absl::CivilDay day :
               PlannedMeetingDays(schedule->frequency(), first_day, Today(), upcoming)) {
            *response->add_upcoming_dates() = api::DateFromDay(day);
          }
        }
        *response->mutable_schedule() = *std::move(schedule);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* MeetingService::RecordMeeting(grpc::CallbackServerContext* context,
                                                        const v1::RecordMeetingRequest* request,
                                                        v1::RecordMeetingResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 api::ParseName(request->parent(), "circles", "parent"));
        if (!request->has_meeting()) return absl::InvalidArgumentError("meeting is required");
        CERCLES_ASSIGN_OR_RETURN(MeetingDraft draft, DraftMeeting(request->meeting(), Today()));
        CERCLES_RETURN_IF_ERROR(CheckAccessBeforeWrite(who, circle_id));
        const std::string circle_name = CircleName(circle_id);
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(CheckCircleMeets(tx, who, circle_id));
              CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> existing,
                                       meetings_.MeetingOn(tx, circle_id, draft.day));
              if (existing.has_value()) {
                return absl::AlreadyExistsError(absl::StrCat(
                    circle_name, " already has a meeting on ", FormatDay(draft.day), ": ",
                    MeetingName(circle_id, *existing), " (one meeting per circle a day)"));
              }
              // Members are those of the fund's day (UTC, as DayOf).
              const absl::TimeZone utc = absl::UTCTimeZone();
              CERCLES_ASSIGN_OR_RETURN(
                  std::set<int64_t> members,
                  meetings_.MembersDuring(tx, circle_id, absl::FromCivil(draft.day, utc),
                                          absl::FromCivil(draft.day + 1, utc)));
              CERCLES_RETURN_IF_ERROR(CheckAttendanceCoversMembers(draft, members, circle_name));
              CERCLES_ASSIGN_OR_RETURN(
                  v1::Meeting meeting,
                  meetings_.InsertMeeting(tx, circle_id, draft, who.ToString(), now));
              CERCLES_RETURN_IF_ERROR(ApplyOutcomes(tx, meeting, draft, now));
              CERCLES_RETURN_IF_ERROR(
                  Emit(tx, context_, meeting.name(), RecordedEvent(meeting, circle_name), now));
              *response->mutable_meeting() = std::move(meeting);
              return absl::OkStatus();
            });
      });
}

absl::Status MeetingService::ApplyOutcomes(storage::Transaction& tx, const v1::Meeting& meeting,
                                           const MeetingDraft& draft, absl::Time now) const {
  CERCLES_ASSIGN_OR_RETURN(MeetingKey key, ParseMeetingName(meeting.name(), "name"));
  // People are locked in id order, as every write that locks several does.
  std::map<int64_t, const v1::BusinessOutcome*> outcomes;
  for (int i = 0; i < meeting.follow_ups_size(); ++i) {
    if (!meeting.follow_ups(i).has_outcome()) continue;
    outcomes[draft.follow_up_ids[static_cast<size_t>(i)]] = &meeting.follow_ups(i).outcome();
  }
  for (const auto& entry : outcomes) {
    const int64_t id = entry.first;
    CERCLES_RETURN_IF_ERROR(PeopleStore::Lock(tx, id));
    // A meeting recorded late does not undo what a later meeting recorded.
    CERCLES_ASSIGN_OR_RETURN(bool latest, history_.IsLatest(tx, id, draft.day, key.meeting_id));
    if (!latest) continue;
    CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> person, people_.Get(tx, id));
    if (!person.has_value() || !ApplyOutcome(*entry.second, draft.day, &*person)) continue;
    CERCLES_ASSIGN_OR_RETURN(v1::Person updated, people_.Update(tx, id, *person, now));
    v1::PersonUpdated event;
    *event.mutable_person() = MinimisedPerson(updated);
    event.mutable_update_mask()->add_paths("business.stage");
    event.mutable_update_mask()->add_paths("business.start_date");
    CERCLES_RETURN_IF_ERROR(Emit(tx, context_, updated.name(), event, now));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* MeetingService::ListBusinessHistory(
    grpc::CallbackServerContext* context, const v1::ListBusinessHistoryRequest* request,
    v1::ListBusinessHistoryResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->parent(), "people", "parent"));
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(std::optional<MeetingListPosition> after,
                                 DecodePosition(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> person, people_.Get(*tx, id));
        if (!person.has_value()) {
          return PersonNotFound(request->parent());
        }
        CERCLES_RETURN_IF_ERROR(CheckPersonAccess(*tx, who, id, CircleAccess::kRead));
        // One extra row tells whether another page exists without a second query.
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::BusinessHistoryEntry> entries,
                                 history_.List(*tx, id, after, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        const bool more = static_cast<int>(entries.size()) > page_size;
        if (more) entries.pop_back();
        for (v1::BusinessHistoryEntry& entry : entries) {
          *response->add_entries() = std::move(entry);
        }
        if (more) {
          const v1::BusinessHistoryEntry& last = *response->entries().rbegin();
          CERCLES_ASSIGN_OR_RETURN(MeetingKey key, ParseMeetingName(last.meeting(), "meeting"));
          response->set_next_page_token(
              EncodePosition({api::FormatDate(last.meeting_date()), key.meeting_id}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* MeetingService::GetMeeting(grpc::CallbackServerContext* context,
                                                     const v1::GetMeetingRequest* request,
                                                     v1::GetMeetingResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(MeetingKey key, ParseMeetingName(request->name(), "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, key.circle_id, CircleAccess::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Meeting> meeting,
                                 meetings_.GetMeeting(*tx, key));
        if (!meeting.has_value()) {
          return absl::NotFoundError(
              absl::StrCat("meeting \"", request->name(), "\" does not exist"));
        }
        *response->mutable_meeting() = *std::move(meeting);
        return tx->Commit();
      });
}

grpc::ServerUnaryReactor* MeetingService::ListMeetings(grpc::CallbackServerContext* context,
                                                       const v1::ListMeetingsRequest* request,
                                                       v1::ListMeetingsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 api::ParseName(request->parent(), "circles", "parent"));
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(std::optional<MeetingListPosition> after,
                                 DecodePosition(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(
            DayRange range,
            ParseDayRange(request->has_start_date() ? &request->start_date() : nullptr,
                          request->has_end_date() ? &request->end_date() : nullptr));
        if (!v1::MeetingView_IsValid(request->view())) {
          return absl::InvalidArgumentError("view is not a known MeetingView");
        }
        const bool full = request->view() == v1::MEETING_VIEW_FULL;
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, circle_id, CircleAccess::kRead));
        // One extra row tells whether another page exists without a second query.
        CERCLES_ASSIGN_OR_RETURN(
            std::vector<v1::Meeting> meetings,
            meetings_.ListMeetings(*tx, circle_id, range, after, page_size + 1, full));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        bool more = static_cast<int>(meetings.size()) > page_size;
        if (more) meetings.pop_back();
        size_t bytes = 0;
        for (v1::Meeting& meeting : meetings) {
          bytes += meeting.ByteSizeLong();
          if (full && bytes > kFullPageByteBudget && response->meetings_size() > 0) {
            more = true;
            break;
          }
          *response->add_meetings() = std::move(meeting);
        }
        if (more) {
          const v1::Meeting& last = *response->meetings().rbegin();
          CERCLES_ASSIGN_OR_RETURN(MeetingKey key, ParseMeetingName(last.name(), "name"));
          response->set_next_page_token(
              EncodePosition({api::FormatDate(last.meeting_date()), key.meeting_id}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* MeetingService::GetAttendanceSummary(
    grpc::CallbackServerContext* context, const v1::GetAttendanceSummaryRequest* request,
    v1::GetAttendanceSummaryResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 api::ParseName(request->circle(), "circles", "circle"));
        CERCLES_ASSIGN_OR_RETURN(
            DayRange range,
            ParseDayRange(request->has_start_date() ? &request->start_date() : nullptr,
                          request->has_end_date() ? &request->end_date() : nullptr));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, circle_id, CircleAccess::kRead));
        CERCLES_ASSIGN_OR_RETURN(int64_t meeting_count,
                                 meetings_.CountMeetings(*tx, circle_id, range));
        CERCLES_ASSIGN_OR_RETURN(std::vector<AttendanceTally> tallies,
                                 meetings_.TallyAttendance(*tx, circle_id, range));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        *response = SummariseAttendance(CircleName(circle_id), meeting_count, tallies);
        return absl::OkStatus();
      });
}

}  // namespace cercles::membership
