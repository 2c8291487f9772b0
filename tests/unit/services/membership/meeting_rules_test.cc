#include "services/membership/meeting_rules.h"

#include <functional>
#include <string>
#include <vector>

#include "common/api/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using cercles::common::v1::Date;
using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Date MakeDate(int year, int month, int day) {
  Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::vector<std::string> Format(const std::vector<absl::CivilDay>& days) {
  std::vector<std::string> out;
  for (absl::CivilDay day : days) out.push_back(FormatDay(day));
  return out;
}

v1::Meeting ValidMeeting() {
  v1::Meeting meeting;
  *meeting.mutable_meeting_date() = MakeDate(2024, 3, 5);
  const std::vector<std::pair<std::string, v1::AttendanceStatus>> attendance = {
      {"people/11", v1::ATTENDANCE_STATUS_PRESENT},
      {"people/12", v1::ATTENDANCE_STATUS_LATE},
      {"people/13", v1::ATTENDANCE_STATUS_EXCUSED},
      {"people/14", v1::ATTENDANCE_STATUS_ABSENT},
  };
  for (const auto& [person, status] : attendance) {
    v1::Attendance* entry = meeting.add_attendance();
    entry->set_person(person);
    entry->set_status(status);
  }
  meeting.set_minutes("  Budget review.\nNext: marketing.  ");
  v1::BusinessFollowUp* follow_up = meeting.add_follow_ups();
  follow_up->set_person("people/12");
  follow_up->set_progress(" First catering contract signed ");
  follow_up->set_difficulties("Cash flow in winter");
  follow_up->add_help_offered(v1::HELP_KIND_REFERRAL_NEEDED);
  follow_up->add_help_offered(v1::HELP_KIND_CONTACTS);
  follow_up->set_help_details("SAJE for the cash-flow plan");
  return meeting;
}

const absl::CivilDay kToday(2024, 3, 10);

TEST(MeetingNamesTest, ParseAndFormat) {
  auto key = ParseMeetingName("circles/3/meetings/17", "name");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->circle_id, 3);
  EXPECT_EQ(key->meeting_id, 17);
  EXPECT_EQ(MeetingName(3, 17), "circles/3/meetings/17");
  for (const char* bad : {"", "circles/3/meetings/", "circles/3/meetings/0", "circles/x/meetings/1",
                          "circles/3/meeting/1", "circles/3/meetings/1/x", "circles/+3/meetings/1",
                          "circles/3/meetings/ 1"}) {
    auto parsed = ParseMeetingName(bad, "name");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.status().message(),
                HasSubstr("name must be \"circles/{id}/meetings/{id}\""));
  }
  EXPECT_EQ(*ParseMeetingScheduleName("circles/4/meetingSchedule", "name"), 4);
  EXPECT_EQ(MeetingScheduleName(4), "circles/4/meetingSchedule");
  for (const char* bad : {"circles/4", "circles/0/meetingSchedule", "circles/4/meetingschedule",
                          "/meetingSchedule"}) {
    auto parsed = ParseMeetingScheduleName(bad, "schedule.name");
    EXPECT_THAT(parsed.status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("schedule.name")))
        << bad;
  }
}

TEST(CalendarDayTest, LeapDaysAreRealDaysOnlyInLeapYears) {
  EXPECT_TRUE(api::DayFromDate(MakeDate(2024, 2, 29), "d").ok());  // divisible by 4
  EXPECT_TRUE(api::DayFromDate(MakeDate(2000, 2, 29), "d").ok());  // divisible by 400
  for (const Date& bad : {MakeDate(2023, 2, 29), MakeDate(1900, 2, 29)}) {
    auto day = api::DayFromDate(bad, "meeting.meeting_date");
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << bad.ShortDebugString();
    EXPECT_THAT(day.status().message(), HasSubstr("meeting.meeting_date"));
  }
  EXPECT_EQ(FormatDay(absl::CivilDay(2024, 3, 5)), "2024-03-05");
}

TEST(CalendarDayTest, DayRangeIsOptionalAndOrdered) {
  auto open = ParseDayRange(nullptr, nullptr);
  ASSERT_TRUE(open.ok());
  EXPECT_FALSE(open->first.has_value());
  EXPECT_FALSE(open->last.has_value());
  Date start = MakeDate(2024, 3, 1), end = MakeDate(2024, 3, 31);
  auto both = ParseDayRange(&start, &end);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both->first, absl::CivilDay(2024, 3, 1));
  auto one_day = ParseDayRange(&start, &start);
  EXPECT_TRUE(one_day.ok());
  auto reversed = ParseDayRange(&end, &start);
  EXPECT_THAT(reversed.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("start_date 2024-03-31 is after end_date")));
  Date bad = MakeDate(2024, 2, 30);
  EXPECT_THAT(ParseDayRange(nullptr, &bad).status().message(), HasSubstr("end_date"));
}

TEST(PlannedMeetingDaysTest, WeeklyAndEveryTwoWeeksAreAlignedOnTheFirstMeeting) {
  const absl::CivilDay first(2024, 1, 3);  // a Wednesday
  // Before the series starts: from the first meeting on.
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_WEEKLY, first,
                                        absl::CivilDay(2023, 12, 1), 3)),
              ElementsAre("2024-01-03", "2024-01-10", "2024-01-17"));
  // A meeting day itself is included; the day after moves to the next one.
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_WEEKLY, first,
                                        absl::CivilDay(2024, 1, 17), 2)),
              ElementsAre("2024-01-17", "2024-01-24"));
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_WEEKLY, first,
                                        absl::CivilDay(2024, 1, 18), 2)),
              ElementsAre("2024-01-24", "2024-01-31"));
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_EVERY_TWO_WEEKS, first,
                                        absl::CivilDay(2024, 1, 4), 3)),
              ElementsAre("2024-01-17", "2024-01-31", "2024-02-14"));
  // Across a leap day and a year end.
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_WEEKLY, absl::CivilDay(2024, 2, 22),
                                        absl::CivilDay(2024, 2, 23), 2)),
              ElementsAre("2024-02-29", "2024-03-07"));
  EXPECT_THAT(
      Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_EVERY_TWO_WEEKS, absl::CivilDay(2024, 12, 20),
                                absl::CivilDay(2024, 12, 21), 1)),
      ElementsAre("2025-01-03"));
}

TEST(PlannedMeetingDaysTest, MonthlyKeepsTheDayOfMonthClampedToShortMonths) {
  const absl::CivilDay first(2024, 1, 31);
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_MONTHLY, first,
                                        absl::CivilDay(2024, 1, 1), 5)),
              ElementsAre("2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"));
  // Not a leap year: 28 February.
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_MONTHLY, absl::CivilDay(2023, 1, 31),
                                        absl::CivilDay(2023, 2, 1), 2)),
              ElementsAre("2023-02-28", "2023-03-31"));
  // Anchored on 29 February: the 29th where it exists, the 28th in other Februaries.
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_MONTHLY, absl::CivilDay(2024, 2, 29),
                                        absl::CivilDay(2025, 1, 30), 3)),
              ElementsAre("2025-02-28", "2025-03-29", "2025-04-29"));
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_MONTHLY, absl::CivilDay(2024, 2, 29),
                                        absl::CivilDay(2028, 2, 1), 1)),
              ElementsAre("2028-02-29"));
  // Today after this month's meeting: from next month; on it: included.
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_MONTHLY, absl::CivilDay(2024, 1, 15),
                                        absl::CivilDay(2024, 6, 16), 2)),
              ElementsAre("2024-07-15", "2024-08-15"));
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_MONTHLY, absl::CivilDay(2024, 1, 15),
                                        absl::CivilDay(2024, 6, 15), 1)),
              ElementsAre("2024-06-15"));
  // Clamped day already past in a short month: the next month.
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_MONTHLY, first,
                                        absl::CivilDay(2024, 4, 30), 2)),
              ElementsAre("2024-04-30", "2024-05-31"));
  EXPECT_THAT(Format(PlannedMeetingDays(v1::MEETING_FREQUENCY_MONTHLY, absl::CivilDay(2023, 11, 30),
                                        absl::CivilDay(2024, 12, 1), 2)),
              ElementsAre("2024-12-30", "2025-01-30"));
}

TEST(PlannedMeetingDaysTest, NothingPlannedWithoutFrequencyOrCount) {
  EXPECT_TRUE(PlannedMeetingDays(v1::MEETING_FREQUENCY_UNSPECIFIED, kToday, kToday, 4).empty());
  EXPECT_TRUE(PlannedMeetingDays(v1::MEETING_FREQUENCY_WEEKLY, kToday, kToday, 0).empty());
}

TEST(UpcomingCountTest, DefaultsAndBounds) {
  EXPECT_EQ(*NormaliseUpcomingCount(0), kDefaultUpcomingCount);
  EXPECT_EQ(*NormaliseUpcomingCount(52), 52);
  EXPECT_THAT(NormaliseUpcomingCount(53).status().message(), HasSubstr("upcoming_count"));
  EXPECT_THAT(NormaliseUpcomingCount(-1).status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DraftScheduleTest, NormalisesAndNamesEachBrokenField) {
  v1::MeetingSchedule requested;
  requested.set_name("circles/7/meetingSchedule");
  requested.set_frequency(v1::MEETING_FREQUENCY_MONTHLY);
  *requested.mutable_first_meeting_date() = MakeDate(2024, 1, 31);
  requested.set_location("  Café Rosemont  ");
  requested.set_notes("19 h\nchez Amina");
  requested.set_update_principal("staff:mallory");  // output only: ignored
  auto draft = DraftSchedule(requested);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->circle_id, 7);
  EXPECT_EQ(draft->first_meeting, absl::CivilDay(2024, 1, 31));
  EXPECT_EQ(draft->schedule.location(), "Café Rosemont");
  EXPECT_EQ(draft->schedule.notes(), "19 h\nchez Amina");
  EXPECT_EQ(draft->schedule.update_principal(), "");

  struct Case {
    std::function<void(v1::MeetingSchedule&)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& s) { s.set_name("circles/7"); }, "schedule.name"},
      {[](auto& s) { s.set_frequency(v1::MEETING_FREQUENCY_UNSPECIFIED); }, "schedule.frequency"},
      {[](auto& s) { s.set_frequency(static_cast<v1::MeetingFrequency>(99)); },
       "schedule.frequency"},
      {[](auto& s) { s.clear_first_meeting_date(); }, "schedule.first_meeting_date is required"},
      {[](auto& s) { *s.mutable_first_meeting_date() = MakeDate(2023, 2, 29); },
       "schedule.first_meeting_date"},
      {[](auto& s) { s.set_location(std::string(201, 'x')); }, "schedule.location must be at most"},
      {[](auto& s) { s.set_location("a\nb"); }, "schedule.location must not contain control"},
      {[](auto& s) { s.set_notes(std::string(2001, 'x')); }, "schedule.notes must be at most"},
  };
  for (const Case& c : cases) {
    v1::MeetingSchedule broken = requested;
    c.mutate(broken);
    auto result = DraftSchedule(broken);
    EXPECT_THAT(result.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.message;
  }
}

TEST(DraftMeetingTest, NormalisesTheMeetingAndCountsAttendance) {
  auto draft = DraftMeeting(ValidMeeting(), kToday);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->day, absl::CivilDay(2024, 3, 5));
  EXPECT_THAT(draft->attendee_ids, ElementsAre(11, 12, 13, 14));
  EXPECT_THAT(draft->follow_up_ids, ElementsAre(12));
  const v1::Meeting& m = draft->meeting;
  EXPECT_EQ(m.minutes(), "Budget review.\nNext: marketing.");
  EXPECT_EQ(m.follow_ups(0).progress(), "First catering contract signed");
  // Help kinds sorted by value, whatever the order sent.
  EXPECT_THAT(m.follow_ups(0).help_offered(),
              ElementsAre(v1::HELP_KIND_CONTACTS, v1::HELP_KIND_REFERRAL_NEEDED));
  EXPECT_EQ(m.counts().expected(), 4);
  EXPECT_EQ(m.counts().present(), 1);
  EXPECT_EQ(m.counts().late(), 1);
  EXPECT_EQ(m.counts().excused(), 1);
  EXPECT_EQ(m.counts().absent(), 1);
  EXPECT_EQ(m.counts().attendance_rate_basis_points(), 5000);
  EXPECT_TRUE(m.name().empty());

  // Today itself is allowed; output-only fields sent by the client are dropped.
  v1::Meeting today = ValidMeeting();
  *today.mutable_meeting_date() = MakeDate(2024, 3, 10);
  today.set_name("circles/1/meetings/99");
  today.set_record_principal("staff:mallory");
  auto on_today = DraftMeeting(today, kToday);
  ASSERT_TRUE(on_today.ok()) << on_today.status();
  EXPECT_TRUE(on_today->meeting.name().empty());
  EXPECT_TRUE(on_today->meeting.record_principal().empty());

  // Minutes are bounded in characters, not bytes.
  v1::Meeting long_minutes = ValidMeeting();
  std::string minutes;
  for (size_t i = 0; i < kMaxMinutesLength; ++i) minutes += "é";
  long_minutes.set_minutes(minutes);
  EXPECT_TRUE(DraftMeeting(long_minutes, kToday).ok());
  long_minutes.set_minutes(minutes + "x");
  EXPECT_THAT(DraftMeeting(long_minutes, kToday).status().message(),
              HasSubstr("meeting.minutes must be at most 20000 characters, got 20001"));
}

TEST(DraftMeetingTest, EachBrokenRuleIsInvalidArgumentNamingTheField) {
  struct Case {
    std::function<void(v1::Meeting&)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& m) { m.clear_meeting_date(); }, "meeting.meeting_date is required"},
      {[](auto& m) { *m.mutable_meeting_date() = MakeDate(2024, 2, 30); }, "meeting.meeting_date"},
      {[](auto& m) { *m.mutable_meeting_date() = MakeDate(2024, 3, 11); },
       "meeting.meeting_date 2024-03-11 is after today (2024-03-10)"},
      {[](auto& m) { m.clear_attendance(); }, "meeting.attendance is required"},
      {[](auto& m) {
         m.clear_attendance();
         for (int i = 1; i <= kMaxAttendanceEntries + 1; ++i) {
           auto* a = m.add_attendance();
           a->set_person("people/" + std::to_string(i));
           a->set_status(v1::ATTENDANCE_STATUS_PRESENT);
         }
       },
       "more than 50 entries"},
      {[](auto& m) { m.mutable_attendance(1)->set_person("person/12"); },
       "meeting.attendance[1].person must be \"people/{id}\""},
      {[](auto& m) { m.mutable_attendance(2)->set_person("people/11"); },
       "meeting.attendance[2] lists people/11 a second time (first at meeting.attendance[0])"},
      {[](auto& m) { m.mutable_attendance(3)->set_status(v1::ATTENDANCE_STATUS_UNSPECIFIED); },
       "meeting.attendance[3].status is required"},
      {[](auto& m) { m.mutable_attendance(3)->set_status(static_cast<v1::AttendanceStatus>(9)); },
       "meeting.attendance[3].status is required"},
      {[](auto& m) {
         m.mutable_attendance(0)->set_status(v1::ATTENDANCE_STATUS_ABSENT);
         m.mutable_attendance(1)->set_status(v1::ATTENDANCE_STATUS_EXCUSED);
       },
       "nobody present or late"},
      {[](auto& m) { m.mutable_attendance(2)->set_note("sick\nleave"); },
       "meeting.attendance[2].note must not contain control characters"},
      {[](auto& m) { m.mutable_attendance(2)->set_note(std::string(501, 'x')); },
       "meeting.attendance[2].note must be at most 500"},
      {[](auto& m) { m.set_minutes(std::string("a\0b", 3)); },
       "meeting.minutes must not contain control characters other than tabs and line breaks"},
      {[](auto& m) { m.mutable_follow_ups(0)->set_person("people/99"); },
       "meeting.follow_ups[0].person people/99 is not on meeting.attendance"},
      {[](auto& m) { m.mutable_follow_ups(0)->set_person("12"); },
       "meeting.follow_ups[0].person must be \"people/{id}\""},
      {[](auto& m) {
         auto* again = m.add_follow_ups();
         again->set_person("people/12");
         again->set_progress("more");
       },
       "meeting.follow_ups[1] is a second follow-up of people/12"},
      {[](auto& m) { m.mutable_follow_ups(0)->add_help_offered(v1::HELP_KIND_CONTACTS); },
       "meeting.follow_ups[0].help_offered lists HELP_KIND_CONTACTS twice"},
      {[](auto& m) { m.mutable_follow_ups(0)->add_help_offered(v1::HELP_KIND_UNSPECIFIED); },
       "meeting.follow_ups[0].help_offered[2] must be"},
      {[](auto& m) {
         m.mutable_follow_ups(0)->add_help_offered(v1::HELP_KIND_OTHER);
         m.mutable_follow_ups(0)->set_help_details("  ");
       },
       "meeting.follow_ups[0].help_details is required when help_offered has HELP_KIND_OTHER"},
      {[](auto& m) {
         auto* empty = m.add_follow_ups();
         empty->set_person("people/11");
         empty->set_progress("   ");
       },
       "meeting.follow_ups[1] is empty"},
      {[](auto& m) { m.mutable_follow_ups(0)->set_difficulties(std::string(4001, 'x')); },
       "meeting.follow_ups[0].difficulties must be at most 4000"},
  };
  for (const Case& c : cases) {
    v1::Meeting broken = ValidMeeting();
    c.mutate(broken);
    auto result = DraftMeeting(broken, kToday);
    EXPECT_THAT(result.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.message;
  }
}

TEST(AttendanceCoversMembersTest, ExactlyTheMembersOfThatDay) {
  auto draft = DraftMeeting(ValidMeeting(), kToday);
  ASSERT_TRUE(draft.ok());
  EXPECT_TRUE(CheckAttendanceCoversMembers(*draft, {11, 12, 13, 14}, "circles/3").ok());

  // Someone listed who was not a member: the state is wrong, not the request.
  absl::Status extra = CheckAttendanceCoversMembers(*draft, {11, 12, 14}, "circles/3");
  EXPECT_THAT(extra, StatusIs(absl::StatusCode::kFailedPrecondition,
                              HasSubstr("people/13 (meeting.attendance[2]) was not a member of "
                                        "circles/3 on 2024-03-05")));

  // Members left out: named, all of them.
  absl::Status missing =
      CheckAttendanceCoversMembers(*draft, {11, 12, 13, 14, 15, 16}, "circles/3");
  EXPECT_THAT(
      missing,
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("must list every member of circles/3 on 2024-03-05; missing: people/15, "
                         "people/16")));

  // Nobody was a member that day.
  EXPECT_THAT(CheckAttendanceCoversMembers(*draft, {}, "circles/3"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(CircleMayMeetTest, FormingActiveAndUnderStrengthCirclesMeet) {
  for (auto status :
       {v1::CIRCLE_STATUS_FORMING, v1::CIRCLE_STATUS_ACTIVE, v1::CIRCLE_STATUS_UNDER_STRENGTH}) {
    EXPECT_TRUE(CheckCircleMayMeet(status, "circles/1").ok()) << status;
  }
  for (auto status : {v1::CIRCLE_STATUS_SUSPENDED, v1::CIRCLE_STATUS_DISSOLVED,
                      v1::CIRCLE_STATUS_MERGED, v1::CIRCLE_STATUS_UNSPECIFIED}) {
    absl::Status refused = CheckCircleMayMeet(status, "circles/1");
    EXPECT_THAT(refused,
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("circles/1 is ")))
        << status;
  }
  EXPECT_THAT(CheckCircleMayMeet(v1::CIRCLE_STATUS_DISSOLVED, "circles/1").message(),
              HasSubstr("circles/1 is dissolved"));
}

TEST(AttendanceRateTest, BasisPointsRoundHalfUpWithIntegerArithmetic) {
  EXPECT_EQ(RateBasisPoints(0, 0), 0);
  EXPECT_EQ(RateBasisPoints(0, 5), 0);
  EXPECT_EQ(RateBasisPoints(5, 5), 10000);
  EXPECT_EQ(RateBasisPoints(2, 3), 6667);
  EXPECT_EQ(RateBasisPoints(1, 3), 3333);
  EXPECT_EQ(RateBasisPoints(1, 32), 313);  // 312.5 rounds up
  EXPECT_EQ(RateBasisPoints(1, 64), 156);  // 156.25 rounds down
  EXPECT_EQ(RateBasisPoints(999999, 1000000), 10000);
  EXPECT_EQ(RateBasisPoints(2000000000, 2000000001), 10000);  // no overflow
}

TEST(AttendanceRateTest, SummaryCountsEachMemberAndTheCircleExcusedApart) {
  // Three meetings: 11 attended all (one late); 12 joined for the last two and
  // was excused once; 13 was absent once, then left.
  std::vector<AttendanceTally> tallies = {
      {11, v1::ATTENDANCE_STATUS_PRESENT, 2}, {11, v1::ATTENDANCE_STATUS_LATE, 1},
      {12, v1::ATTENDANCE_STATUS_PRESENT, 1}, {12, v1::ATTENDANCE_STATUS_EXCUSED, 1},
      {13, v1::ATTENDANCE_STATUS_ABSENT, 1},
  };
  v1::GetAttendanceSummaryResponse summary = SummariseAttendance("circles/3", 3, tallies);
  EXPECT_EQ(summary.circle(), "circles/3");
  EXPECT_EQ(summary.meeting_count(), 3);
  ASSERT_EQ(summary.members_size(), 3);
  EXPECT_EQ(summary.members(0).person(), "people/11");
  EXPECT_EQ(summary.members(0).counts().expected(), 3);
  EXPECT_EQ(summary.members(0).counts().attendance_rate_basis_points(), 10000);
  EXPECT_EQ(summary.members(1).counts().expected(), 2);
  EXPECT_EQ(summary.members(1).counts().excused(), 1);
  EXPECT_EQ(summary.members(1).counts().attendance_rate_basis_points(), 5000);
  EXPECT_EQ(summary.members(2).counts().expected(), 1);
  EXPECT_EQ(summary.members(2).counts().attendance_rate_basis_points(), 0);
  const v1::AttendanceCounts& circle = summary.circle_counts();
  EXPECT_EQ(circle.expected(), 6);
  EXPECT_EQ(circle.present(), 3);
  EXPECT_EQ(circle.late(), 1);
  EXPECT_EQ(circle.excused(), 1);
  EXPECT_EQ(circle.absent(), 1);
  EXPECT_EQ(circle.attendance_rate_basis_points(), 6667);  // 4 of 6

  v1::GetAttendanceSummaryResponse empty = SummariseAttendance("circles/4", 0, {});
  EXPECT_EQ(empty.circle_counts().expected(), 0);
  EXPECT_EQ(empty.circle_counts().attendance_rate_basis_points(), 0);
  EXPECT_EQ(empty.members_size(), 0);
}

}  // namespace
}  // namespace cercles::membership
