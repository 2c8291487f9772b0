// Reschedule (services/lending/reschedule.h): which instalments are kept, what is
// rescheduled, what interest is carried, and the refusals.
#include "services/lending/reschedule.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/services/lending/positions.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

RescheduleTerms Terms(int32_t count, absl::CivilDay first_due) {
  RescheduleTerms terms;
  terms.instalment_count = count;
  terms.frequency = Frequency::kMonthly;
  terms.first_due = first_due;
  terms.annual_rate_bps = 800;
  return terms;
}

TEST(RescheduleTest, APartlyPaidInstalmentIsClosedAndLateInterestCarried) {
  // $1,200 at 8 %, 12 monthly: instalment 1 paid in full (96.39 + 8.00), then 50.00 pays
  // instalment 2's 7.36 interest and 42.64 of its principal; instalment 3 falls due unpaid.
  LoanPosition position = Open(120'000, 12, Frequency::kMonthly, absl::CivilDay(2025, 1, 31), 800);
  Pay(&position, 10'439, absl::CivilDay(2025, 1, 31));
  Pay(&position, 5'000, absl::CivilDay(2025, 2, 20));
  ASSERT_EQ(position[1].interest_due_cents, 736);
  const int64_t late_interest = position[2].interest_due_cents;
  const absl::CivilDay day(2025, 4, 15);
  absl::StatusOr<Rescheduled> r = Reschedule(position, Terms(4, absl::CivilDay(2025, 5, 15)), day);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kept, 2u);
  EXPECT_THAT(r->closed, ::testing::ElementsAre(2));
  EXPECT_EQ(r->position[1].principal_due_cents, 4'264);
  EXPECT_EQ(r->position[1].interest_due_cents, 736);
  EXPECT_EQ(r->position[1].cleared_on, day);
  EXPECT_EQ(r->principal_cents, 120'000 - 9'639 - 4'264);
  EXPECT_EQ(r->carried_interest_cents, late_interest);

  ScheduleTerms plain;
  plain.principal_cents = r->principal_cents;
  plain.annual_rate_bps = 800;
  plain.instalment_count = 4;
  plain.frequency = Frequency::kMonthly;
  plain.first_due = absl::CivilDay(2025, 5, 15);
  absl::StatusOr<Schedule> expected = BuildSchedule(plain);
  ASSERT_TRUE(expected.ok());
  ASSERT_EQ(r->position.size(), 6u);
  for (size_t i = 0; i < 4; ++i) {
    const InstalmentPosition& p = r->position[2 + i];
    EXPECT_EQ(p.number, static_cast<int32_t>(3 + i));
    EXPECT_EQ(p.due, expected->instalments[i].due);
    EXPECT_EQ(p.principal_due_cents, expected->instalments[i].principal_cents);
    EXPECT_EQ(p.interest_due_cents,
              expected->instalments[i].interest_cents + (i == 0 ? late_interest : 0));
    EXPECT_EQ(p.principal_paid_cents + p.interest_paid_cents, 0);
  }
  EXPECT_EQ(Outstanding(r->position).principal_cents, r->principal_cents);
}

TEST(RescheduleTest, NothingPaidKeepsNothing) {
  LoanPosition position = Open(50'000, 6, Frequency::kWeekly, absl::CivilDay(2025, 3, 3), 800);
  absl::StatusOr<Rescheduled> r =
      Reschedule(position, Terms(3, absl::CivilDay(2025, 3, 1)), absl::CivilDay(2025, 2, 20));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kept, 0u);
  EXPECT_EQ(r->principal_cents, 50'000);
  EXPECT_EQ(r->carried_interest_cents, 0);
  EXPECT_EQ(r->position.size(), 3u);
}

TEST(RescheduleTest, RefusesAFirstDueDateNotAfterTheKeptInstalments) {
  LoanPosition position = Open(120'000, 12, Frequency::kMonthly, absl::CivilDay(2025, 1, 31), 800);
  Pay(&position, 20'000, absl::CivilDay(2025, 1, 20));  // instalments 1 and part of 2
  EXPECT_THAT(
      Reschedule(position, Terms(6, absl::CivilDay(2025, 2, 28)), absl::CivilDay(2025, 1, 25)),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("reschedule.first_due_date must be after 2025-02-28")));
}

TEST(RescheduleTest, RefusesALoanWithOnlyInterestLeftAndTermsBuildScheduleRefuses) {
  LoanPosition position = Open(1'000, 2, Frequency::kMonthly, absl::CivilDay(2025, 1, 31), 0);
  Pay(&position, 1'000, absl::CivilDay(2025, 1, 20));
  EXPECT_THAT(
      Reschedule(position, Terms(2, absl::CivilDay(2025, 6, 1)), absl::CivilDay(2025, 1, 25)),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("nothing to reschedule")));
  LoanPosition open = Open(1'000, 2, Frequency::kMonthly, absl::CivilDay(2025, 1, 31), 0);
  EXPECT_THAT(Reschedule(open, Terms(0, absl::CivilDay(2025, 6, 1)), absl::CivilDay(2025, 1, 25)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace cercles::lending
