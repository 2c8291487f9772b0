// The reminder decision (services/lending/reminders.h): which instalment and
// stage on which day, the ladder from the fund's settings, tolerance and grace
// respected, nothing for an instalment paid.
#include "services/lending/reminders.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/fund_settings.h"
#include "services/lending/repayment.h"
#include "tests/unit/services/lending/positions.h"

namespace cercles::lending {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::CivilDay kFirstDue(2026, 3, 10);

// $300.00 over 3 monthly instalments of $100.00, no interest: due Mar 10, Apr 10, May 10.
LoanPosition ThreeMonths() { return Open(30'000, 3, Frequency::kMonthly, kFirstDue); }

// "1:UPCOMING", "2:OVERDUE_31"... of the reminders due on `day`.
std::vector<std::string> On(const LoanPosition& position, absl::CivilDay day,
                            const ReminderRules& rules = ReminderRulesFor(FundSettings(), 3)) {
  std::vector<std::string> out;
  for (const Reminder& r : DueReminders(position, day, rules)) {
    out.push_back(std::to_string(r.instalment) + ":" + r.StageKey());
  }
  return out;
}

TEST(RemindersTest, TheLadderIsTheFundsBucketsAndGuaranteeCall) {
  EXPECT_THAT(ReminderRulesFor(FundSettings(), 3).overdue_steps, ElementsAre(1, 31, 60, 61, 91));
  FundSettings settings;
  settings.arrears_buckets = {15, 45, 90};
  settings.guarantee_call_days_past_due = 46;  // the same day as the third bucket: once
  settings.arrears_tolerance_cents = 250;
  const ReminderRules rules = ReminderRulesFor(settings, 5);
  EXPECT_THAT(rules.overdue_steps, ElementsAre(1, 16, 46, 91));
  EXPECT_EQ(rules.days_before, 5);
  EXPECT_EQ(rules.tolerance_cents, 250);
}

TEST(RemindersTest, UpcomingFromNDaysBeforeToTheDueDate) {
  const LoanPosition position = ThreeMonths();
  EXPECT_THAT(On(position, kFirstDue - 4), IsEmpty());
  EXPECT_THAT(On(position, kFirstDue - 3), ElementsAre("1:UPCOMING"));
  EXPECT_THAT(On(position, kFirstDue), ElementsAre("1:UPCOMING"));
  const std::vector<Reminder> due = DueReminders(position, kFirstDue - 1, ReminderRules());
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].due, kFirstDue);
  EXPECT_EQ(due[0].amount_due_cents, 10'000);
  EXPECT_EQ(due[0].step_days, 0);
  // 0 days before: no upcoming notice at all.
  EXPECT_THAT(On(position, kFirstDue, ReminderRulesFor(FundSettings(), 0)), IsEmpty());
}

TEST(RemindersTest, OverdueOnEachStepOfTheLadderOnlyTheLatest) {
  const LoanPosition position = ThreeMonths();
  EXPECT_THAT(On(position, kFirstDue + 1), ElementsAre("1:OVERDUE_1"));
  EXPECT_THAT(On(position, kFirstDue + 20), ElementsAre("1:OVERDUE_1"));
  EXPECT_THAT(On(position, kFirstDue + 30), ElementsAre("1:OVERDUE_1", "2:UPCOMING"));
  // Apr 7: instalment 2 falls due in 3 days.
  EXPECT_THAT(On(position, absl::CivilDay(2026, 4, 7)), ElementsAre("1:OVERDUE_1", "2:UPCOMING"));
  // Apr 10: instalment 2 falls due that day (not late yet), the next day it is.
  EXPECT_THAT(On(position, kFirstDue + 31), ElementsAre("1:OVERDUE_31", "2:UPCOMING"));
  EXPECT_THAT(On(position, kFirstDue + 32), ElementsAre("1:OVERDUE_31", "2:OVERDUE_1"));
  EXPECT_THAT(On(position, kFirstDue + 60),
              ElementsAre("1:OVERDUE_60", "2:OVERDUE_1", "3:UPCOMING"));
  EXPECT_THAT(On(position, kFirstDue + 61),
              ElementsAre("1:OVERDUE_61", "2:OVERDUE_1", "3:UPCOMING"));
  EXPECT_THAT(On(position, absl::CivilDay(2026, 5, 11)),
              ElementsAre("1:OVERDUE_61", "2:OVERDUE_31", "3:OVERDUE_1"));
  // After a long stop the job produces the step reached, not the ones missed.
  EXPECT_THAT(On(position, kFirstDue + 200),
              ElementsAre("1:OVERDUE_91", "2:OVERDUE_91", "3:OVERDUE_91"));
}

TEST(RemindersTest, APaidInstalmentGetsNoNotice) {
  LoanPosition position = ThreeMonths();
  Pay(&position, 10'000, kFirstDue - 5);  // instalment 1 paid ahead
  EXPECT_THAT(On(position, kFirstDue - 2), IsEmpty());
  EXPECT_THAT(On(position, kFirstDue + 5), IsEmpty());
  // Paid late: overdue until the day it was paid, nothing after.
  LoanPosition late = ThreeMonths();
  Pay(&late, 10'000, kFirstDue + 10);
  EXPECT_THAT(On(late, kFirstDue + 11), IsEmpty());
  // Paid in part: still reminded of what is left.
  LoanPosition part = ThreeMonths();
  Pay(&part, 4'000, kFirstDue - 5);
  const std::vector<Reminder> due = DueReminders(part, kFirstDue + 2, ReminderRules());
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].StageKey(), "OVERDUE_1");
  EXPECT_EQ(due[0].amount_due_cents, 6'000);
}

TEST(RemindersTest, AShortfallWithinTheToleranceIsNeverLateNorReminded) {
  LoanPosition position = ThreeMonths();
  Pay(&position, 9'900, kFirstDue - 5);  // $1.00 short
  ReminderRules rules = ReminderRulesFor(FundSettings(), 3);
  rules.tolerance_cents = 500;
  EXPECT_THAT(On(position, kFirstDue - 1, rules), IsEmpty());
  EXPECT_THAT(On(position, absl::CivilDay(2026, 4, 7), rules), ElementsAre("2:UPCOMING"));
  rules.tolerance_cents = 100;  // short by the tolerance: late
  EXPECT_THAT(On(position, kFirstDue + 1, rules), ElementsAre("1:OVERDUE_1"));
}

TEST(RemindersTest, GraceOnInterestInstalmentsHaveNothingToRemind) {
  ScheduleTerms terms;
  terms.principal_cents = 30'000;
  terms.annual_rate_bps = 1'200;
  terms.instalment_count = 3;
  terms.frequency = Frequency::kMonthly;
  terms.first_due = kFirstDue;
  terms.grace_on_interest = 1;
  absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  const LoanPosition position = OpenPosition(*schedule);
  ASSERT_EQ(position[0].principal_due_cents + position[0].interest_due_cents, 0);
  EXPECT_THAT(On(position, kFirstDue), IsEmpty());
  EXPECT_THAT(On(position, kFirstDue + 5), IsEmpty());
}

}  // namespace
}  // namespace cercles::lending
