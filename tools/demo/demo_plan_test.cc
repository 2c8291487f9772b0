#include "tools/demo/demo_plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/membership/circle_rules.h"
#include "services/membership/meeting_rules.h"
#include "services/membership/people_rules.h"

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

TEST(DemoPlanTest, MeetingsListEveryMemberOnce) {
  const DemoPlan plan = PlanDemo(2026, kAnchor, 4);
  int attendance = 0, present = 0;
  for (const auto& c : plan.circles) {
    std::vector<MeetingMember> members;
    for (int m : c.members) {
      members.push_back({absl::StrCat("people/", m + 1), &plan.people[static_cast<size_t>(m)]});
    }
    const std::string key = absl::StrCat(c.index + 1);
    const v1::Meeting meeting = PlanMeeting(2026, key, c, kAnchor, members);
    ASSERT_EQ(meeting.attendance_size(), static_cast<int>(members.size()));
    auto draft = membership::DraftMeeting(meeting, kAnchor);
    ASSERT_TRUE(draft.ok()) << c.display_name << ": " << draft.status();
    EXPECT_EQ(PlanMeeting(2026, key, c, kAnchor, members).SerializeAsString(),
              meeting.SerializeAsString());
    attendance += meeting.attendance_size();
    for (const auto& a : meeting.attendance()) {
      present += a.status() == v1::ATTENDANCE_STATUS_PRESENT;
    }
  }
  EXPECT_GT(present * 100 / attendance, 65) << "mostly present";
  EXPECT_LT(present, attendance) << "some late, excused or absent";
}

}  // namespace
}  // namespace cercles::demo
