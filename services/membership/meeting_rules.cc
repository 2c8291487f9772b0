#include "services/membership/meeting_rules.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/util/status_macros.h"
#include "services/membership/business_outcome_rules.h"
#include "services/membership/circle_rules.h"

namespace cercles::membership {
namespace {

using cercles::common::v1::Date;
using cercles::membership::v1::Attendance;
using cercles::membership::v1::AttendanceCounts;
using cercles::membership::v1::AttendanceStatus;
using cercles::membership::v1::BusinessFollowUp;
using cercles::membership::v1::HelpKind;
using cercles::membership::v1::Meeting;
using cercles::membership::v1::MeetingFrequency;
using cercles::membership::v1::MeetingSchedule;

constexpr absl::string_view kScheduleSuffix = "/meetingSchedule";

int DaysInMonth(absl::CivilMonth month) {
  return static_cast<int>((absl::CivilDay(month + 1) - 1).day());
}

absl::CivilDay MonthlyDay(absl::CivilMonth month, int anchor_day) {
  return absl::CivilDay(month.year(), month.month(), std::min(anchor_day, DaysInMonth(month)));
}

}  // namespace

absl::StatusOr<int64_t> ParseMeetingScheduleName(const std::string& name,
                                                 const std::string& field) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                           api::ParseNestedName(name, "circles/{id}/meetingSchedule", field));
  return ids[0];
}

std::string MeetingScheduleName(int64_t circle_id) {
  return absl::StrCat(CircleName(circle_id), kScheduleSuffix);
}

absl::StatusOr<MeetingKey> ParseMeetingName(const std::string& name, const std::string& field) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                           api::ParseNestedName(name, "circles/{id}/meetings/{id}", field));
  return MeetingKey{ids[0], ids[1]};
}

std::string MeetingName(int64_t circle_id, int64_t meeting_id) {
  return absl::StrCat(CircleName(circle_id), "/meetings/", meeting_id);
}

std::string FormatDay(absl::CivilDay day) { return api::FormatDate(api::DateFromDay(day)); }

absl::StatusOr<DayRange> ParseDayRange(const Date* start_date, const Date* end_date) {
  DayRange range;
  if (start_date != nullptr) {
    CERCLES_ASSIGN_OR_RETURN(range.first, api::DayFromDate(*start_date, "start_date"));
  }
  if (end_date != nullptr) {
    CERCLES_ASSIGN_OR_RETURN(range.last, api::DayFromDate(*end_date, "end_date"));
  }
  if (range.first.has_value() && range.last.has_value() && *range.first > *range.last) {
    return absl::InvalidArgumentError(absl::StrCat("start_date ", FormatDay(*range.first),
                                                   " is after end_date ", FormatDay(*range.last)));
  }
  return range;
}

absl::StatusOr<ScheduleDraft> DraftSchedule(const MeetingSchedule& requested) {
  ScheduleDraft draft;
  CERCLES_ASSIGN_OR_RETURN(draft.circle_id,
                           ParseMeetingScheduleName(requested.name(), "schedule.name"));
  if (requested.frequency() == v1::MEETING_FREQUENCY_UNSPECIFIED ||
      !v1::MeetingFrequency_IsValid(requested.frequency())) {
    return absl::InvalidArgumentError(
        "schedule.frequency is required: weekly, every two weeks or monthly");
  }
  if (!requested.has_first_meeting_date()) {
    return absl::InvalidArgumentError("schedule.first_meeting_date is required");
  }
  CERCLES_ASSIGN_OR_RETURN(draft.first_meeting, api::DayFromDate(requested.first_meeting_date(),
                                                                 "schedule.first_meeting_date"));
  CERCLES_ASSIGN_OR_RETURN(std::string location,
                           api::CleanText(requested.location(), "schedule.location",
                                          api::OneLine(0, kMaxLocationLength)));
  CERCLES_ASSIGN_OR_RETURN(std::string notes,
                           api::CleanText(requested.notes(), "schedule.notes",
                                          api::MultiLine(0, kMaxScheduleNotesLength)));
  draft.schedule.set_name(MeetingScheduleName(draft.circle_id));
  draft.schedule.set_frequency(requested.frequency());
  *draft.schedule.mutable_first_meeting_date() = api::DateFromDay(draft.first_meeting);
  draft.schedule.set_location(std::move(location));
  draft.schedule.set_notes(std::move(notes));
  return draft;
}

absl::StatusOr<int> NormaliseUpcomingCount(int32_t upcoming_count) {
  if (upcoming_count == 0) return kDefaultUpcomingCount;
  if (upcoming_count < 0 || upcoming_count > kMaxUpcomingCount) {
    return absl::InvalidArgumentError(absl::StrCat("upcoming_count must be 0 (meaning ",
                                                   kDefaultUpcomingCount, ") to ",
                                                   kMaxUpcomingCount, ", got ", upcoming_count));
  }
  return static_cast<int>(upcoming_count);
}

std::vector<absl::CivilDay> PlannedMeetingDays(MeetingFrequency frequency, absl::CivilDay first,
                                               absl::CivilDay from, int count) {
  std::vector<absl::CivilDay> days;
  if (count <= 0) return days;
  if (frequency == v1::MEETING_FREQUENCY_WEEKLY ||
      frequency == v1::MEETING_FREQUENCY_EVERY_TWO_WEEKS) {
    const int64_t step = frequency == v1::MEETING_FREQUENCY_WEEKLY ? 7 : 14;
    absl::CivilDay day = first;
    if (from > first) day = first + (from - first + step - 1) / step * step;
    for (int i = 0; i < count; ++i, day += step) days.push_back(day);
  } else if (frequency == v1::MEETING_FREQUENCY_MONTHLY) {
    const absl::CivilMonth first_month(first);
    const absl::CivilMonth from_month(from);
    absl::CivilMonth month = from_month > first_month ? from_month : first_month;
    // In from's month the planned day may already be past: then the next month's.
    if (MonthlyDay(month, first.day()) < from) ++month;
    for (int i = 0; i < count; ++i, ++month) days.push_back(MonthlyDay(month, first.day()));
  }
  return days;
}

absl::Status CheckCircleMayMeet(v1::CircleStatus status, const std::string& circle_name) {
  switch (status) {
    case v1::CIRCLE_STATUS_FORMING:
    case v1::CIRCLE_STATUS_ACTIVE:
    case v1::CIRCLE_STATUS_UNDER_STRENGTH:
      return absl::OkStatus();
    default:
      return absl::FailedPreconditionError(
          absl::StrCat(circle_name, " is ", StatusName(status),
                       ": only forming, active or under-strength circles have meetings "
                       "scheduled or recorded"));
  }
}

absl::StatusOr<MeetingDraft> DraftMeeting(const Meeting& requested, absl::CivilDay today) {
  MeetingDraft draft;
  if (!requested.has_meeting_date()) {
    return absl::InvalidArgumentError("meeting.meeting_date is required");
  }
  CERCLES_ASSIGN_OR_RETURN(draft.day,
                           api::DayFromDate(requested.meeting_date(), "meeting.meeting_date"));
  if (draft.day > today) {
    return absl::InvalidArgumentError(
        absl::StrCat("meeting.meeting_date ", FormatDay(draft.day), " is after today (",
                     FormatDay(today), "): a meeting is recorded once it has been held"));
  }
  Meeting& meeting = draft.meeting;
  *meeting.mutable_meeting_date() = api::DateFromDay(draft.day);

  if (requested.attendance().empty()) {
    return absl::InvalidArgumentError(
        "meeting.attendance is required: one entry for each member of the circle that day");
  }
  if (requested.attendance_size() > kMaxAttendanceEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat("meeting.attendance has more than ", kMaxAttendanceEntries, " entries"));
  }
  std::map<int64_t, int> attendance_index;
  int attended = 0;
  for (int i = 0; i < requested.attendance_size(); ++i) {
    const Attendance& entry = requested.attendance(i);
    const std::string field = absl::StrCat("meeting.attendance[", i, "]");
    CERCLES_ASSIGN_OR_RETURN(int64_t person,
                             api::ParseName(entry.person(), "people", field + ".person"));
    auto [it, inserted] = attendance_index.emplace(person, i);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(field, " lists ", PersonName(person),
                                                     " a second time (first at meeting.attendance[",
                                                     it->second, "])"));
    }
    if (entry.status() == v1::ATTENDANCE_STATUS_UNSPECIFIED ||
        !v1::AttendanceStatus_IsValid(entry.status())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".status is required: present, absent, excused or late"));
    }
    if (CountsAsAttended(entry.status())) ++attended;
    CERCLES_ASSIGN_OR_RETURN(
        std::string note,
        api::CleanText(entry.note(), field + ".note", api::OneLine(0, kMaxAttendanceNoteLength)));
    Attendance* out = meeting.add_attendance();
    out->set_person(PersonName(person));
    out->set_status(entry.status());
    out->set_note(std::move(note));
    draft.attendee_ids.push_back(person);
  }
  if (attended == 0) {
    return absl::InvalidArgumentError(
        "meeting.attendance has nobody present or late: a meeting needs at least one member "
        "attending");
  }

  CERCLES_ASSIGN_OR_RETURN(
      std::string minutes,
      api::CleanText(requested.minutes(), "meeting.minutes", api::MultiLine(0, kMaxMinutesLength)));
  meeting.set_minutes(std::move(minutes));

  std::map<int64_t, int> follow_up_index;
  for (int i = 0; i < requested.follow_ups_size(); ++i) {
    const BusinessFollowUp& entry = requested.follow_ups(i);
    const std::string field = absl::StrCat("meeting.follow_ups[", i, "]");
    CERCLES_ASSIGN_OR_RETURN(int64_t person,
                             api::ParseName(entry.person(), "people", field + ".person"));
    if (attendance_index.count(person) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".person ", PersonName(person),
                       " is not on meeting.attendance: follow-ups are for the circle's members"));
    }
    auto [it, inserted] = follow_up_index.emplace(person, i);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " is a second follow-up of ", PersonName(person), " (first at meeting.follow_ups[",
          it->second, "]): one per member's business"));
    }
    BusinessFollowUp* out = meeting.add_follow_ups();
    out->set_person(PersonName(person));
    CERCLES_ASSIGN_OR_RETURN(*out->mutable_progress(),
                             api::CleanText(entry.progress(), field + ".progress",
                                            api::MultiLine(0, kMaxFollowUpTextLength)));
    CERCLES_ASSIGN_OR_RETURN(*out->mutable_difficulties(),
                             api::CleanText(entry.difficulties(), field + ".difficulties",
                                            api::MultiLine(0, kMaxFollowUpTextLength)));
    CERCLES_ASSIGN_OR_RETURN(*out->mutable_help_details(),
                             api::CleanText(entry.help_details(), field + ".help_details",
                                            api::MultiLine(0, kMaxFollowUpTextLength)));
    std::set<int> kinds;
    for (int k = 0; k < entry.help_offered_size(); ++k) {
      const int kind = entry.help_offered(k);
      if (kind == v1::HELP_KIND_UNSPECIFIED || !v1::HelpKind_IsValid(kind)) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ".help_offered[", k,
                         "] must be information, contacts, advice, referral needed or other"));
      }
      if (!kinds.insert(kind).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ".help_offered lists ",
                         v1::HelpKind_Name(static_cast<HelpKind>(kind)), " twice"));
      }
    }
    for (int kind : kinds) out->add_help_offered(static_cast<HelpKind>(kind));
    if (kinds.count(v1::HELP_KIND_OTHER) > 0 && out->help_details().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".help_details is required when help_offered has HELP_KIND_OTHER"));
    }
    if (entry.has_outcome()) {
      CERCLES_ASSIGN_OR_RETURN(*out->mutable_outcome(),
                               CheckOutcome(entry.outcome(), field + ".outcome"));
    }
    if (out->progress().empty() && out->difficulties().empty() && kinds.empty() &&
        out->help_details().empty() && !out->has_outcome()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " is empty: give progress, difficulties, help_offered, help_details or outcome"));
    }
    draft.follow_up_ids.push_back(person);
  }
  *meeting.mutable_counts() = CountAttendance(meeting.attendance());
  return draft;
}

absl::Status CheckAttendanceCoversMembers(const MeetingDraft& draft,
                                          const std::set<int64_t>& members,
                                          const std::string& circle_name) {
  const std::string day = FormatDay(draft.day);
  for (size_t i = 0; i < draft.attendee_ids.size(); ++i) {
    if (members.count(draft.attendee_ids[i]) == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          PersonName(draft.attendee_ids[i]), " (meeting.attendance[", i, "]) was not a member of ",
          circle_name, " on ", day, ": the attendance list names exactly the members of that day"));
    }
  }
  const std::set<int64_t> listed(draft.attendee_ids.begin(), draft.attendee_ids.end());
  std::vector<std::string> missing;
  for (int64_t member : members) {
    if (listed.count(member) == 0) missing.push_back(PersonName(member));
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("meeting.attendance must list every member of ",
                                                   circle_name, " on ", day,
                                                   "; missing: ", absl::StrJoin(missing, ", ")));
  }
  return absl::OkStatus();
}

bool CountsAsAttended(AttendanceStatus status) {
  return status == v1::ATTENDANCE_STATUS_PRESENT || status == v1::ATTENDANCE_STATUS_LATE;
}

int32_t RateBasisPoints(int64_t numerator, int64_t denominator) {
  if (denominator <= 0 || numerator <= 0) return 0;
  return static_cast<int32_t>((numerator * kBasisPointsPerUnit * 2 + denominator) /
                              (denominator * 2));
}

void AddAttendance(AttendanceStatus status, int64_t n, AttendanceCounts* counts) {
  const auto add = [n](int32_t value) { return static_cast<int32_t>(value + n); };
  switch (status) {
    case v1::ATTENDANCE_STATUS_PRESENT:
      counts->set_present(add(counts->present()));
      break;
    case v1::ATTENDANCE_STATUS_LATE:
      counts->set_late(add(counts->late()));
      break;
    case v1::ATTENDANCE_STATUS_ABSENT:
      counts->set_absent(add(counts->absent()));
      break;
    case v1::ATTENDANCE_STATUS_EXCUSED:
      counts->set_excused(add(counts->excused()));
      break;
    default:
      break;  // expected only: a status this build does not know is not attended
  }
  counts->set_expected(add(counts->expected()));
  counts->set_attendance_rate_basis_points(RateBasisPoints(
      static_cast<int64_t>(counts->present()) + counts->late(), counts->expected()));
}

AttendanceCounts CountAttendance(const google::protobuf::RepeatedPtrField<Attendance>& attendance) {
  AttendanceCounts counts;
  for (const Attendance& entry : attendance) AddAttendance(entry.status(), 1, &counts);
  return counts;
}

v1::GetAttendanceSummaryResponse SummariseAttendance(const std::string& circle_name,
                                                     int64_t meeting_count,
                                                     const std::vector<AttendanceTally>& tallies) {
  v1::GetAttendanceSummaryResponse summary;
  summary.set_circle(circle_name);
  summary.set_meeting_count(static_cast<int32_t>(meeting_count));
  std::map<int64_t, AttendanceCounts> by_person;
  AttendanceCounts* circle = summary.mutable_circle_counts();
  for (const AttendanceTally& tally : tallies) {
    AddAttendance(tally.status, tally.count, &by_person[tally.person_id]);
    AddAttendance(tally.status, tally.count, circle);
  }
  for (auto& [person, counts] : by_person) {
    v1::MemberAttendance* member = summary.add_members();
    member->set_person(PersonName(person));
    *member->mutable_counts() = std::move(counts);
  }
  return summary;
}

}  // namespace cercles::membership
