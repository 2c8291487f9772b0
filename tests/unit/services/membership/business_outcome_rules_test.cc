#include "services/membership/business_outcome_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/meeting_rules.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kField[] = "meeting.follow_ups[0].outcome";

v1::BusinessOutcome FullOutcome() {
  v1::BusinessOutcome outcome;
  outcome.set_stage(v1::BUSINESS_STAGE_OPERATING);
  outcome.set_event(v1::BUSINESS_EVENT_STARTED);
  outcome.mutable_jobs_created()->set_full_time(2);
  outcome.mutable_jobs_created()->set_part_time(1);
  outcome.mutable_jobs_kept()->set_part_time(3);
  outcome.set_revenue_band(v1::REVENUE_BAND_10K_TO_50K);
  return outcome;
}

void ExpectRefused(const v1::BusinessOutcome& outcome, const std::string& says) {
  EXPECT_THAT(CheckOutcome(outcome, kField).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(says)))
      << outcome.ShortDebugString();
}

TEST(BusinessOutcomeRulesTest, AValidOutcomeIsKeptAsGiven) {
  auto checked = CheckOutcome(FullOutcome(), kField);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->ShortDebugString(), FullOutcome().ShortDebugString());
  // Zero jobs given say "none": an outcome of its own.
  v1::BusinessOutcome zero_jobs;
  zero_jobs.mutable_jobs_created();
  auto zero = CheckOutcome(zero_jobs, kField);
  ASSERT_TRUE(zero.ok()) << zero.status();
  EXPECT_TRUE(zero->has_jobs_created());
  // The bounds themselves are allowed.
  v1::BusinessOutcome bounds;
  bounds.mutable_jobs_kept()->set_full_time(kMaxJobsPerCount);
  EXPECT_TRUE(CheckOutcome(bounds, kField).ok());
}

TEST(BusinessOutcomeRulesTest, EachFieldsRuleIsNamed) {
  v1::BusinessOutcome o = FullOutcome();
  o.mutable_jobs_created()->set_full_time(-1);
  ExpectRefused(
      o, "meeting.follow_ups[0].outcome.jobs_created.full_time must be 0 to 1000 jobs, got -1");
  o = FullOutcome();
  o.mutable_jobs_created()->set_part_time(1001);
  ExpectRefused(o, "outcome.jobs_created.part_time must be 0 to 1000 jobs, got 1001");
  o = FullOutcome();
  o.mutable_jobs_kept()->set_full_time(5000);
  ExpectRefused(o, "outcome.jobs_kept.full_time must be 0 to 1000");
  o = FullOutcome();
  o.mutable_jobs_kept()->set_part_time(-3);
  ExpectRefused(o, "outcome.jobs_kept.part_time must be 0 to 1000");
  o = FullOutcome();
  o.set_stage(static_cast<v1::BusinessStage>(42));
  ExpectRefused(o, "outcome.stage must be idea, starting, operating or growing");
  o = FullOutcome();
  o.set_event(static_cast<v1::BusinessEvent>(9));
  ExpectRefused(o, "outcome.event must be started or closed");
  o = FullOutcome();
  o.set_revenue_band(static_cast<v1::RevenueBand>(77));
  ExpectRefused(o, "outcome.revenue_band must be none, under 10k");
  o = FullOutcome();
  o.set_stage(v1::BUSINESS_STAGE_IDEA);
  ExpectRefused(o, "outcome.stage is idea but meeting.follow_ups[0].outcome.event is started");
  ExpectRefused(v1::BusinessOutcome(), "meeting.follow_ups[0].outcome is empty");
}

TEST(BusinessOutcomeRulesTest, DraftMeetingChecksOutcomesAndAcceptsAnOutcomeAlone) {
  v1::Meeting meeting;
  meeting.mutable_meeting_date()->set_year(2024);
  meeting.mutable_meeting_date()->set_month(3);
  meeting.mutable_meeting_date()->set_day(5);
  v1::Attendance* present = meeting.add_attendance();
  present->set_person("people/11");
  present->set_status(v1::ATTENDANCE_STATUS_PRESENT);
  v1::BusinessFollowUp* follow_up = meeting.add_follow_ups();
  follow_up->set_person("people/11");
  // A follow-up with nothing at all is still refused, now naming the outcome too.
  EXPECT_THAT(DraftMeeting(meeting, absl::CivilDay(2024, 3, 10)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("give progress, difficulties, help_offered, help_details or "
                                 "outcome")));
  *follow_up->mutable_outcome() = FullOutcome();
  auto draft = DraftMeeting(meeting, absl::CivilDay(2024, 3, 10));
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->meeting.follow_ups(0).outcome().revenue_band(), v1::REVENUE_BAND_10K_TO_50K);
  follow_up->mutable_outcome()->mutable_jobs_kept()->set_full_time(-1);
  EXPECT_THAT(DraftMeeting(meeting, absl::CivilDay(2024, 3, 10)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("meeting.follow_ups[0].outcome.jobs_kept.full_time")));
  // A follow-up without an outcome stays as it was.
  follow_up->clear_outcome();
  follow_up->set_progress("first sales");
  auto plain = DraftMeeting(meeting, absl::CivilDay(2024, 3, 10));
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(plain->meeting.follow_ups(0).has_outcome());
}

TEST(BusinessOutcomeRulesTest, TheOutcomeUpdatesStageAndStartOfAnExistingBusiness) {
  v1::Person person;
  person.mutable_business()->set_sector("food");
  person.mutable_business()->set_stage(v1::BUSINESS_STAGE_IDEA);
  EXPECT_TRUE(ApplyOutcome(FullOutcome(), absl::CivilDay(2024, 3, 5), &person));
  EXPECT_EQ(person.business().stage(), v1::BUSINESS_STAGE_OPERATING);
  EXPECT_EQ(person.business().start_date().year(), 2024);
  EXPECT_EQ(person.business().start_date().day(), 5);
  // The same again changes nothing.
  EXPECT_FALSE(ApplyOutcome(FullOutcome(), absl::CivilDay(2024, 3, 5), &person));
  // Jobs and revenue alone leave stage and start date as they are.
  v1::BusinessOutcome jobs_only;
  jobs_only.mutable_jobs_created()->set_full_time(4);
  EXPECT_FALSE(ApplyOutcome(jobs_only, absl::CivilDay(2024, 6, 1), &person));
  EXPECT_EQ(person.business().stage(), v1::BUSINESS_STAGE_OPERATING);
  // A person without a business gets none.
  v1::Person none;
  EXPECT_FALSE(ApplyOutcome(FullOutcome(), absl::CivilDay(2024, 3, 5), &none));
  EXPECT_FALSE(none.has_business());
}

}  // namespace
}  // namespace cercles::membership
