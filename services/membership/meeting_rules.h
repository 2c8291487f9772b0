// The membership domain's rules about meetings: schedules and their planned
// dates, what a recorded meeting must contain, and attendance rates. Pure
// functions over the protobuf messages and absl civil days, no gRPC and no SQL.
#ifndef CERCLES_SERVICES_MEMBERSHIP_MEETING_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_MEETING_RULES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/common/v1/date.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {

// Text bounds, in characters (Unicode code points).
inline constexpr size_t kMaxMinutesLength = 20000;
inline constexpr size_t kMaxFollowUpTextLength = 4000;
inline constexpr size_t kMaxAttendanceNoteLength = 500;
inline constexpr size_t kMaxLocationLength = 200;
inline constexpr size_t kMaxScheduleNotesLength = 2000;
// A circle has at most 7 members at a time; this bounds a day with departures
// and arrivals generously while keeping a meeting a small message.
inline constexpr int kMaxAttendanceEntries = 50;
inline constexpr int kDefaultUpcomingCount = 4;
inline constexpr int kMaxUpcomingCount = 52;
inline constexpr int32_t kBasisPointsPerUnit = 10000;

// "circles/3/meetingSchedule" <-> 3.
absl::StatusOr<int64_t> ParseMeetingScheduleName(const std::string& name, const std::string& field);
std::string MeetingScheduleName(int64_t circle_id);

// "circles/3/meetings/17" <-> {3, 17}.
struct MeetingKey {
  int64_t circle_id = 0;
  int64_t meeting_id = 0;
};
absl::StatusOr<MeetingKey> ParseMeetingName(const std::string& name, const std::string& field);
std::string MeetingName(int64_t circle_id, int64_t meeting_id);

// Calendar days are people_rules.h's: CheckDate, ToDate, FormatDate, DayOf (the
// fund's day, UTC).
// "2024-01-31".
std::string FormatDay(absl::CivilDay day);

// An optional, inclusive range of days as given by start_date / end_date
// (nullptr: unset). INVALID_ARGUMENT when a day is malformed or start > end.
struct DayRange {
  std::optional<absl::CivilDay> first;
  std::optional<absl::CivilDay> last;
};
absl::StatusOr<DayRange> ParseDayRange(const cercles::common::v1::Date* start_date,
                                       const cercles::common::v1::Date* end_date);

// A schedule as a client sent it, checked and normalised (text trimmed, output
// only fields cleared), with the circle its name designates.
struct ScheduleDraft {
  int64_t circle_id = 0;
  absl::CivilDay first_meeting;
  cercles::membership::v1::MeetingSchedule schedule;
};
absl::StatusOr<ScheduleDraft> DraftSchedule(
    const cercles::membership::v1::MeetingSchedule& requested);

// 0 -> kDefaultUpcomingCount; negative or above kMaxUpcomingCount -> INVALID_ARGUMENT.
absl::StatusOr<int> NormaliseUpcomingCount(int32_t upcoming_count);

// The `count` planned meeting days of a schedule that fall on or after `from`,
// oldest first. Monthly: the day of month of `first`, clamped to each month's
// last day (anchored on `first`, so 31 Jan -> 29 Feb -> 31 Mar).
std::vector<absl::CivilDay> PlannedMeetingDays(cercles::membership::v1::MeetingFrequency frequency,
                                               absl::CivilDay first, absl::CivilDay from,
                                               int count);

// Circles that meet: FORMING, ACTIVE, UNDER_STRENGTH. Others: FAILED_PRECONDITION
// naming the circle and its status.
absl::Status CheckCircleMayMeet(cercles::membership::v1::CircleStatus status,
                                const std::string& circle_name);

// A meeting as a client sent it, checked and normalised: text trimmed, help
// kinds sorted, output-only fields cleared, counts computed. The ids are
// parallel to meeting.attendance() and meeting.follow_ups().
struct MeetingDraft {
  cercles::membership::v1::Meeting meeting;
  absl::CivilDay day;
  std::vector<int64_t> attendee_ids;
  std::vector<int64_t> follow_up_ids;
};
// Everything that does not depend on stored state: a valid date not after
// `today`, a non-empty attendance list without duplicates and with someone
// attending, known statuses, bounded text, follow-ups only for people on the
// attendance list and at most one each, outcomes as CheckOutcome
// (business_outcome_rules.h) says. Errors are INVALID_ARGUMENT naming the field.
absl::StatusOr<MeetingDraft> DraftMeeting(const cercles::membership::v1::Meeting& requested,
                                          absl::CivilDay today);

// The attendance list must name exactly the people who were members of the
// circle that day (`members`): someone listed who was not a member is
// FAILED_PRECONDITION, a member left out is INVALID_ARGUMENT; both name the person.
absl::Status CheckAttendanceCoversMembers(const MeetingDraft& draft,
                                          const std::set<int64_t>& members,
                                          const std::string& circle_name);

// Whether an attendance entry counts as attended in every rate: present or late.
bool CountsAsAttended(cercles::membership::v1::AttendanceStatus status);
// numerator / denominator in basis points, rounded half up; 0 when denominator is 0.
int32_t RateBasisPoints(int64_t numerator, int64_t denominator);
// Adds `n` entries of `status` to the counts and recomputes expected and the rate.
void AddAttendance(cercles::membership::v1::AttendanceStatus status, int64_t n,
                   cercles::membership::v1::AttendanceCounts* counts);
cercles::membership::v1::AttendanceCounts CountAttendance(
    const google::protobuf::RepeatedPtrField<cercles::membership::v1::Attendance>& attendance);

// What the store counts: attendance entries of one person with one status.
struct AttendanceTally {
  int64_t person_id = 0;
  cercles::membership::v1::AttendanceStatus status =
      cercles::membership::v1::ATTENDANCE_STATUS_UNSPECIFIED;
  int64_t count = 0;
};
// The summary of a circle: per member (by person id) and for the whole circle.
cercles::membership::v1::GetAttendanceSummaryResponse SummariseAttendance(
    const std::string& circle_name, int64_t meeting_count,
    const std::vector<AttendanceTally>& tallies);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_MEETING_RULES_H_
