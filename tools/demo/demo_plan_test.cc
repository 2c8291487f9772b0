#include "tools/demo/demo_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/membership/circle_rules.h"
#include "services/membership/meeting_rules.h"
#include "services/membership/people_rules.h"
#include "tools/demo/business_story.h"

namespace cercles::demo {
namespace {

const absl::CivilDay kAnchor(2026, 11, 27);

std::string Serialise(const DemoPlan& plan) {
  std::string out;
  for (const auto& t : plan.trainings) out += t.request_id + t.display_name + DayText(t.start);
  for (const auto& p : plan.people) out += p.request_id + p.person.SerializeAsString();
  for (const auto& c : plan.circles) {
    out += c.display_name + c.schedule.SerializeAsString();
    for (int m : c.members) out += std::to_string(m) + ",";
    out += DayText(c.formed) + DayText(c.activated) + DayText(c.departure);
    for (absl::CivilDay day : c.meeting_days) out += DayText(day);
  }
  return out;
}

TEST(DemoPlanTest, SameSeedAndAnchorSamePlan) {
  EXPECT_EQ(Serialise(PlanDemo(2026, kAnchor, 4)), Serialise(PlanDemo(2026, kAnchor, 4)));
  EXPECT_NE(Serialise(PlanDemo(2026, kAnchor, 4)), Serialise(PlanDemo(7, kAnchor, 4)));
}

TEST(DemoPlanTest, LooksLikeARealFund) {
  const DemoPlan plan = PlanDemo(2026, kAnchor, 4);
  EXPECT_GE(plan.circles.size(), 36u);
  EXPECT_GE(plan.people.size(), 230u);
  EXPECT_LE(plan.people.size(), 280u);
  int french = 0;
  for (const auto& p : plan.people) french += p.person.language() == v1::LANGUAGE_FR;
  EXPECT_GT(french * 100 / static_cast<int>(plan.people.size()), 75);
  std::map<Fate, int> fates;
  for (const auto& c : plan.circles) ++fates[c.fate];
  EXPECT_GE(fates[Fate::kUnderStrength], 2);
  EXPECT_EQ(fates[Fate::kSuspended], 1);
  EXPECT_EQ(fates[Fate::kMergeSource], 2);
  EXPECT_EQ(fates[Fate::kForming], 1);
}

TEST(DemoPlanTest, FollowsTheDomainRules) {
  const DemoPlan plan = PlanDemo(2026, kAnchor, 4);
  std::set<std::string> request_ids;
  for (const auto& p : plan.people) {
    EXPECT_TRUE(request_ids.insert(p.request_id).second) << p.request_id;
    // What CreatePerson would say of it.
    EXPECT_TRUE(membership::NormalisePerson(p.person, kAnchor).ok())
        << p.request_id << ": " << membership::NormalisePerson(p.person, kAnchor).status();
  }
  for (const auto& t : plan.trainings) {
    EXPECT_TRUE(request_ids.insert(t.request_id).second);
    EXPECT_EQ(t.end - t.start, 56);  // nine weekly sessions
    EXPECT_LT(t.start, kAnchor);
  }
  std::map<int, int> circle_of;
  for (const auto& c : plan.circles) {
    v1::Circle circle;
    circle.set_display_name(c.display_name);
    for (const auto& ch : c.characteristics) *circle.add_characteristics() = ch;
    EXPECT_TRUE(membership::DraftNewCircle(circle).ok()) << c.display_name;
    const int size = static_cast<int>(c.members.size());
    if (c.fate == Fate::kForming) {
      EXPECT_LT(size, membership::kMinCircleMembers);
    } else {
      EXPECT_GE(size, membership::kMinCircleMembers) << c.display_name;
      EXPECT_LE(size, membership::kMaxCircleMembers) << c.display_name;
    }
    if (c.fate == Fate::kUnderStrength || c.fate == Fate::kMergeSource) {
      EXPECT_EQ(size, 4) << c.display_name << " falls below 4 when one leaves";
      EXPECT_GE(c.leaving_member, 0);
      EXPECT_FALSE(c.fate_reason.empty());
    }
    for (int m : c.members) {
      EXPECT_TRUE(circle_of.emplace(m, c.index).second) << "person " << m << " in two circles";
      const PersonPlan& p = plan.people[static_cast<size_t>(m)];
      EXPECT_EQ(p.cohort, c.cohort);
      EXPECT_TRUE(p.completes);
      EXPECT_LE(plan.trainings[static_cast<size_t>(p.cohort)].end, kAnchor) << "trained";
    }
    EXPECT_TRUE(membership::DraftSchedule([&] {
                  v1::MeetingSchedule s = c.schedule;
                  s.set_name("circles/1/meetingSchedule");
                  return s;
                }())
                    .ok());
  }
  const auto& merged = plan.merge.result.members;
  EXPECT_GE(static_cast<int>(merged.size()), membership::kMinCircleMembers);
  EXPECT_LE(static_cast<int>(merged.size()), membership::kMaxCircleMembers);
}

absl::CivilDay DayOf(const cercles::common::v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// What membership requires of a circle's past: each change dated after the
// last one, and meetings held (before the anchor day) by the circle's members.
void CheckPastInTimeOrder(const DemoPlan& plan, absl::CivilDay anchor) {
  for (const auto& c : plan.circles) {
    SCOPED_TRACE(c.display_name);
    const absl::CivilDay cohort_end = plan.trainings[static_cast<size_t>(c.cohort)].end;
    const absl::CivilDay first = DayOf(c.schedule.first_meeting_date());
    // Formed after the training, activated before the first meeting.
    EXPECT_GT(c.formed, cohort_end);
    EXPECT_LT(c.formed, anchor);
    if (c.fate == Fate::kForming) {
      EXPECT_GT(first, c.formed);
    } else {
      EXPECT_GT(c.activated, c.formed);
      EXPECT_LT(c.activated, first);
    }
    // Meetings on the schedule's days, over the past months, oldest first.
    for (size_t k = 0; k < c.meeting_days.size(); ++k) {
      const absl::CivilDay day = c.meeting_days[k];
      EXPECT_GE(day, first);
      EXPECT_GE(day, anchor - kMeetingHistoryDays);
      EXPECT_LT(day, anchor) << "recorded once held";
      if (c.schedule.frequency() == v1::MEETING_FREQUENCY_MONTHLY) {
        EXPECT_EQ(day.day(), first.day());
      } else {
        EXPECT_EQ((day - first) % 14, 0);
      }
      if (k == 0) continue;
      const absl::CivilDay before = c.meeting_days[k - 1];
      EXPECT_LT(before, day);
      EXPECT_LE(day - before, c.schedule.frequency() == v1::MEETING_FREQUENCY_MONTHLY ? 31 : 14)
          << "no planned day skipped";
    }
    // A departure after the activation, between two meetings, in the past.
    if (c.leaving_member >= 0) {
      EXPECT_GT(c.departure, c.activated);
      EXPECT_LT(c.departure, anchor);
      EXPECT_EQ(std::count(c.meeting_days.begin(), c.meeting_days.end(), c.departure), 0);
    }
  }
}

TEST(DemoPlanTest, EachCirclesPastIsInTimeOrder) {
  // Whatever the day of the first load (month ends, leap years, new year).
  for (const absl::CivilDay anchor : {kAnchor, absl::CivilDay(2027, 1, 1),
                                      absl::CivilDay(2028, 2, 29), absl::CivilDay(2026, 7, 31)}) {
    SCOPED_TRACE(DayText(anchor));
    CheckPastInTimeOrder(PlanDemo(2026, anchor, 4), anchor);
  }
}

TEST(DemoPlanTest, MeetingsListTheMembersOfTheirDay) {
  const DemoPlan plan = PlanDemo(2026, kAnchor, 4);
  int meetings = 0, attendance = 0, present = 0, follow_ups = 0, changed_lists = 0;
  int circles_meeting = 0, closed = 0, jobs_created = 0, jobs_kept = 0;
  std::set<std::string> started;
  absl::CivilDay oldest = kAnchor;
  for (const auto& c : plan.circles) {
    SCOPED_TRACE(c.display_name);
    const std::string key = absl::StrCat(c.index + 1);
    circles_meeting += !c.meeting_days.empty();
    std::vector<int> previous;
    for (absl::CivilDay day : c.meeting_days) {
      const std::vector<int> members = MembersOn(c, day);
      // Everyone before the departure, one fewer after it.
      const bool left = c.leaving_member >= 0 && day > c.departure;
      EXPECT_EQ(members.size(), c.members.size() - (left ? 1 : 0)) << DayText(day);
      if (!previous.empty() && previous != members) ++changed_lists;
      previous = members;
      std::vector<MeetingMember> listed;
      std::set<int64_t> ids;
      for (int m : members) {
        listed.push_back({absl::StrCat("people/", m + 1), &plan.people[static_cast<size_t>(m)]});
        ids.insert(m + 1);
      }
      v1::Meeting meeting = PlanMeeting(2026, key, c, day, listed);
      const int planned_follow_ups = meeting.follow_ups_size();
      AddBusinessOutcomes(2026, plan.circles, c, day, listed, &meeting);
      EXPECT_EQ(meeting.follow_ups_size(), planned_follow_ups) << "the minutes stay true";
      for (const auto& f : meeting.follow_ups()) {
        const auto& o = f.outcome();
        if (o.event() == v1::BUSINESS_EVENT_STARTED) {
          EXPECT_TRUE(started.insert(f.person()).second) << f.person() << " started twice";
        }
        if (o.event() == v1::BUSINESS_EVENT_CLOSED) {
          EXPECT_EQ(started.count(f.person()), 1u) << f.person() << " closed before it started";
          ++closed;
        }
        jobs_created += o.jobs_created().full_time() + o.jobs_created().part_time();
        jobs_kept += o.jobs_kept().full_time() + o.jobs_kept().part_time();
      }
      ASSERT_EQ(meeting.attendance_size(), static_cast<int>(members.size()));
      for (size_t i = 0; i < listed.size(); ++i) {
        EXPECT_EQ(meeting.attendance(static_cast<int>(i)).person(), listed[i].person);
      }
      // What RecordMeeting would say of it.
      auto draft = membership::DraftMeeting(meeting, kAnchor);
      ASSERT_TRUE(draft.ok()) << DayText(day) << ": " << draft.status();
      EXPECT_TRUE(membership::CheckAttendanceCoversMembers(*draft, ids, "circles/1").ok());
      v1::Meeting again = PlanMeeting(2026, key, c, day, listed);
      AddBusinessOutcomes(2026, plan.circles, c, day, listed, &again);
      EXPECT_EQ(again.SerializeAsString(), meeting.SerializeAsString());
      ++meetings;
      oldest = std::min(oldest, day);
      attendance += meeting.attendance_size();
      follow_ups += meeting.follow_ups_size();
      for (const auto& a : meeting.attendance()) {
        present += a.status() == v1::ATTENDANCE_STATUS_PRESENT;
      }
    }
  }
  EXPECT_GE(meetings, 120) << "the past months of some 40 circles";
  EXPECT_GE(circles_meeting, 30);
  EXPECT_GE(kAnchor - oldest, 100) << "about four months of meetings";
  EXPECT_GE(changed_lists, 2) << "departures between two meetings change the list";
  EXPECT_GT(present * 100 / attendance, 65) << "mostly present";
  EXPECT_LT(present, attendance) << "some late, excused or absent";
  EXPECT_GT(follow_ups * 2, meetings * 3) << "most attending members' businesses followed";
  // Business outcomes for the impact report: some forty businesses started
  // over the months, a few closed (about 8 % a year), jobs created and kept.
  EXPECT_GE(started.size(), 30u);
  EXPECT_GE(closed, 1);
  EXPECT_LT(closed * 10, static_cast<int>(started.size()));
  EXPECT_GT(jobs_created, static_cast<int>(started.size()));
  EXPECT_GT(jobs_kept, 100);
}

TEST(DemoPlanTest, MembersOnADayFollowTheDeparture) {
  const DemoPlan plan = PlanDemo(2026, kAnchor, 4);
  for (const auto& c : plan.circles) {
    if (c.leaving_member < 0) continue;
    EXPECT_EQ(MembersOn(c, c.departure), c.members) << "counted on their last day";
    const std::vector<int> after = MembersOn(c, c.departure + 1);
    EXPECT_EQ(after.size() + 1, c.members.size());
    EXPECT_EQ(std::count(after.begin(), after.end(), c.leaving_member), 0);
  }
  EXPECT_TRUE(MembersOn(plan.circles.front(), plan.circles.front().formed - 1).empty());
}

}  // namespace
}  // namespace cercles::demo
