#include "services/lending/arrears.h"

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/repayment.h"
#include "services/lending/schedule.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/services/lending/positions.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

ArrearsStatus Classify(const LoanPosition& position, absl::CivilDay as_of,
                       const ArrearsBucketBounds& bounds = {}) {
  absl::StatusOr<ArrearsStatus> status = ClassifyArrears(position, as_of, bounds);
  EXPECT_TRUE(status.ok()) << status.status();
  return status.ok() ? *status : ArrearsStatus{};
}

TEST(ArrearsTest, BucketEdges) {
  struct Edge {
    int32_t days;
    ArrearsBucket bucket;
    const char* label;
  };
  for (const Edge& edge :
       {Edge{0, ArrearsBucket::kCurrent, "CURRENT"}, Edge{1, ArrearsBucket::kFirst, "1-30"},
        Edge{30, ArrearsBucket::kFirst, "1-30"}, Edge{31, ArrearsBucket::kSecond, "31-60"},
        Edge{60, ArrearsBucket::kSecond, "31-60"}, Edge{61, ArrearsBucket::kThird, "61-90"},
        Edge{90, ArrearsBucket::kThird, "61-90"}, Edge{91, ArrearsBucket::kBeyond, "90+"},
        Edge{1000, ArrearsBucket::kBeyond, "90+"}}) {
    EXPECT_EQ(BucketFor(edge.days), edge.bucket) << edge.days;
    EXPECT_EQ(BucketLabel(BucketFor(edge.days)), edge.label) << edge.days;

    // The same through a loan: one weekly instalment of $500 due 2024-03-01, unpaid.
    const absl::CivilDay due(2024, 3, 1);
    const LoanPosition position = Open(50000, 1, Frequency::kWeekly, due);
    const ArrearsStatus status = Classify(position, due + edge.days);
    EXPECT_EQ(status.days_past_due, edge.days);
    EXPECT_EQ(status.bucket, edge.bucket) << edge.days;
    EXPECT_EQ(status.amount_in_arrears_cents, edge.days == 0 ? 0 : 50000) << edge.days;
  }
}

TEST(ArrearsTest, NothingDueYetOrDueTodayIsCurrent) {
  const LoanPosition position = Open(120000, 12, Frequency::kMonthly, absl::CivilDay(2024, 1, 31));
  for (absl::CivilDay day : {absl::CivilDay(2023, 12, 1), absl::CivilDay(2024, 1, 31)}) {
    const ArrearsStatus status = Classify(position, day);
    EXPECT_EQ(status.days_past_due, 0);
    EXPECT_EQ(status.bucket, ArrearsBucket::kCurrent);
    EXPECT_EQ(status.amount_in_arrears_cents, 0);
    EXPECT_FALSE(status.oldest_unpaid_due.has_value());
  }
}

TEST(ArrearsTest, LeapYearsCountTheirDay) {
  // Due 2024-02-28: on 2024-03-01 the loan is 2 days late (Feb 29 exists); due 2023-02-28,
  // on 2023-03-01 it is 1.
  EXPECT_EQ(Classify(Open(5000, 1, Frequency::kWeekly, absl::CivilDay(2024, 2, 28)),
                     absl::CivilDay(2024, 3, 1))
                .days_past_due,
            2);
  EXPECT_EQ(Classify(Open(5000, 1, Frequency::kWeekly, absl::CivilDay(2023, 2, 28)),
                     absl::CivilDay(2023, 3, 1))
                .days_past_due,
            1);
  // 90 days after 2024-01-01 is 2024-03-31 in a leap year (2023-04-01 in another).
  const LoanPosition leap = Open(5000, 1, Frequency::kWeekly, absl::CivilDay(2024, 1, 1));
  EXPECT_EQ(Classify(leap, absl::CivilDay(2024, 3, 31)).bucket, ArrearsBucket::kThird);
  EXPECT_EQ(Classify(leap, absl::CivilDay(2024, 4, 1)).bucket, ArrearsBucket::kBeyond);
  const LoanPosition plain = Open(5000, 1, Frequency::kWeekly, absl::CivilDay(2023, 1, 1));
  EXPECT_EQ(Classify(plain, absl::CivilDay(2023, 4, 1)).bucket, ArrearsBucket::kThird);
  EXPECT_EQ(Classify(plain, absl::CivilDay(2023, 4, 2)).bucket, ArrearsBucket::kBeyond);
}

TEST(ArrearsTest, MonthEndDueDates) {
  // $1,200 over 12 months from Jan 31, 2024: due Jan 31, Feb 29, Mar 31, Apr 30...
  LoanPosition position = Open(120000, 12, Frequency::kMonthly, absl::CivilDay(2024, 1, 31));
  Pay(&position, 10000, absl::CivilDay(2024, 1, 31));  // January paid on time

  // February's instalment (due the 29th) unpaid: on March 30 it is 30 days late, on
  // March 31 it is 31 days late, March's own instalment is due that day and not yet late.
  ArrearsStatus status = Classify(position, absl::CivilDay(2024, 3, 30));
  EXPECT_EQ(status.days_past_due, 30);
  EXPECT_EQ(status.bucket, ArrearsBucket::kFirst);
  EXPECT_EQ(status.oldest_unpaid_due, absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(status.amount_in_arrears_cents, 10000);
  status = Classify(position, absl::CivilDay(2024, 3, 31));
  EXPECT_EQ(status.days_past_due, 31);
  EXPECT_EQ(status.bucket, ArrearsBucket::kSecond);
  EXPECT_EQ(status.amount_in_arrears_cents, 10000);
  status = Classify(position, absl::CivilDay(2024, 4, 1));
  EXPECT_EQ(status.days_past_due, 32);
  EXPECT_EQ(status.amount_in_arrears_cents, 20000);

  // A partial payment lowers the amount but not the days: the oldest instalment still owes.
  Pay(&position, 9999, absl::CivilDay(2024, 4, 1));
  status = Classify(position, absl::CivilDay(2024, 4, 1));
  EXPECT_EQ(status.days_past_due, 32);
  EXPECT_EQ(status.amount_in_arrears_cents, 10001);
  // One more cent clears February: March (due the 31st) is now the oldest, 1 day late.
  Pay(&position, 1, absl::CivilDay(2024, 4, 1));
  status = Classify(position, absl::CivilDay(2024, 4, 1));
  EXPECT_EQ(status.days_past_due, 1);
  EXPECT_EQ(status.oldest_unpaid_due, absl::CivilDay(2024, 3, 31));
  EXPECT_EQ(status.amount_in_arrears_cents, 10000);
}

TEST(ArrearsTest, InterestOwedCountsInTheAmount) {
  // $1,000 at 8 % over 12 months: 8699 cents a month, interest included.
  const LoanPosition position =
      Open(100000, 12, Frequency::kMonthly, absl::CivilDay(2024, 1, 31), 800);
  const ArrearsStatus status = Classify(position, absl::CivilDay(2024, 3, 1));
  EXPECT_EQ(status.amount_in_arrears_cents, 8699 * 2);  // two instalments, interest included
  EXPECT_EQ(status.days_past_due, 30);                  // Jan 31 to Mar 1 in 2024
}

TEST(ArrearsTest, AnInstalmentIsLateUntilTheDayItIsClearedAndNeverAfter) {
  // $1,000 at 8 % over 12 months from 2024-01-31: 8699 cents a month.
  LoanPosition position = Open(100000, 12, Frequency::kMonthly, absl::CivilDay(2024, 1, 31), 800);
  // Instalment 1 paid in full 20 days late, on 2024-02-20.
  Pay(&position, 8699, absl::CivilDay(2024, 2, 20));
  ASSERT_EQ(position[0].cleared_on, absl::CivilDay(2024, 2, 20));
  // Classified as of a day before it was cleared, it was late then: 10 days on Feb 10.
  ArrearsStatus status = Classify(position, absl::CivilDay(2024, 2, 10));
  EXPECT_EQ(status.days_past_due, 10);
  EXPECT_EQ(status.oldest_unpaid_due, absl::CivilDay(2024, 1, 31));
  EXPECT_EQ(status.amount_in_arrears_cents, 0);  // amounts as they stand now
  // From the day it was cleared, never again.
  EXPECT_EQ(Classify(position, absl::CivilDay(2024, 2, 20)).days_past_due, 0);
  EXPECT_EQ(Classify(position, absl::CivilDay(2024, 2, 29)).days_past_due, 0);
  EXPECT_TRUE(SettledOn(position[0], absl::CivilDay(2024, 2, 20)));
  EXPECT_FALSE(SettledOn(position[0], absl::CivilDay(2024, 2, 19)));
  EXPECT_FALSE(SettledOn(position[1], absl::CivilDay(2024, 12, 31)));
}

TEST(ArrearsTest, BucketBoundsAreAFundSetting) {
  const ArrearsBucketBounds weekly{7, 14, 21};
  EXPECT_EQ(BucketFor(7, weekly), ArrearsBucket::kFirst);
  EXPECT_EQ(BucketFor(8, weekly), ArrearsBucket::kSecond);
  EXPECT_EQ(BucketFor(21, weekly), ArrearsBucket::kThird);
  EXPECT_EQ(BucketFor(22, weekly), ArrearsBucket::kBeyond);
  EXPECT_EQ(BucketLabel(ArrearsBucket::kSecond, weekly), "8-14");
  EXPECT_EQ(BucketLabel(ArrearsBucket::kBeyond, weekly), "21+");

  const LoanPosition position = Open(5000, 1, Frequency::kWeekly, absl::CivilDay(2024, 1, 1));
  EXPECT_EQ(Classify(position, absl::CivilDay(2024, 1, 9), weekly).bucket, ArrearsBucket::kSecond);

  for (const ArrearsBucketBounds& bad :
       {ArrearsBucketBounds{0, 60, 90}, ArrearsBucketBounds{30, 30, 90},
        ArrearsBucketBounds{30, 60, 59}}) {
    absl::StatusOr<ArrearsStatus> status =
        ClassifyArrears(position, absl::CivilDay(2024, 2, 1), bad);
    EXPECT_THAT(status.status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("_max_days must")));
  }
}

TEST(ArrearsTest, AnInstalmentShortByLessThanTheToleranceIsNotLate) {
  // $1,000 at 8 % over 12 months from 2024-01-31: 8699 cents a month.
  const absl::CivilDay feb10(2024, 2, 10);
  const int64_t tolerance = 500;  // $5.00
  for (const auto& [paid, late] :
       {std::pair{8699 - 499, false}, std::pair{8699 - 1, false}, std::pair{8699 - 500, true},
        std::pair{8699 - 501, true}, std::pair{0, true}}) {
    SCOPED_TRACE(paid);
    LoanPosition position = Open(100000, 12, Frequency::kMonthly, absl::CivilDay(2024, 1, 31), 800);
    if (paid > 0) Pay(&position, paid, absl::CivilDay(2024, 1, 31));
    absl::StatusOr<ArrearsStatus> status =
        ClassifyArrears(position, feb10, ArrearsBucketBounds{}, tolerance);
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(LateOn(position[0], feb10, tolerance), late);
    EXPECT_EQ(WithinTolerance(position[0], tolerance), !late);
    EXPECT_EQ(status->days_past_due, late ? 10 : 0);
    EXPECT_EQ(status->bucket, late ? ArrearsBucket::kFirst : ArrearsBucket::kCurrent);
    EXPECT_EQ(status->amount_in_arrears_cents, late ? 8699 - paid : 0);
    EXPECT_EQ(status->oldest_unpaid_due.has_value(), late);
    // Without a tolerance, every instalment not settled is late.
    EXPECT_EQ(Classify(position, feb10).days_past_due, 10);
  }
}

TEST(ArrearsTest, TheToleranceIsPerInstalmentAndNeverCoversOnePaidLate) {
  LoanPosition position = Open(100000, 12, Frequency::kMonthly, absl::CivilDay(2024, 1, 31), 800);
  // Instalments 1 and 2 each short by 3 cents of principal (6 in all): neither is late
  // with a tolerance of 5, each is with a tolerance of 3.
  for (size_t i : {0, 1}) {
    position[i].principal_paid_cents = position[i].principal_due_cents - 3;
    position[i].interest_paid_cents = position[i].interest_due_cents;
  }
  absl::StatusOr<ArrearsStatus> status =
      ClassifyArrears(position, absl::CivilDay(2024, 3, 10), ArrearsBucketBounds{}, 5);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->days_past_due, 0);
  status = ClassifyArrears(position, absl::CivilDay(2024, 3, 10), ArrearsBucketBounds{}, 3);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->days_past_due, 39);  // from Jan 31
  EXPECT_EQ(status->amount_in_arrears_cents, 6);
  // Instalment 1 paid in full on Feb 20: on Feb 10 it was wholly unpaid, hence late
  // whatever the tolerance.
  LoanPosition late = Open(100000, 12, Frequency::kMonthly, absl::CivilDay(2024, 1, 31), 800);
  Pay(&late, 8699, absl::CivilDay(2024, 2, 20));
  EXPECT_TRUE(LateOn(late[0], absl::CivilDay(2024, 2, 10), 100000));
  EXPECT_FALSE(LateOn(late[0], absl::CivilDay(2024, 2, 20), 0));
  EXPECT_FALSE(WithinTolerance(late[0], 100000));  // nothing unpaid: nothing to tolerate
  EXPECT_THAT(
      ClassifyArrears(late, absl::CivilDay(2024, 2, 10), ArrearsBucketBounds{}, -1).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("arrears_tolerance.minor_units must not be negative, got -1")));
}

TEST(RepaidOnTimeTest, ToleranceIsInclusive) {
  const absl::CivilDay first(2024, 1, 31);
  // Three monthly instalments; the last paid `late` days after its due date (Mar 31).
  auto repaid_with_last_late_by = [&](int late) {
    LoanPosition position = Open(30000, 3, Frequency::kMonthly, first);
    Pay(&position, 10000, absl::CivilDay(2024, 1, 20));  // early counts as on time
    Pay(&position, 10000, absl::CivilDay(2024, 2, 29));
    Pay(&position, 10000, absl::CivilDay(2024, 3, 31) + late);
    return position;
  };
  EXPECT_EQ(RepaidOnTime(repaid_with_last_late_by(0), 0).value(), true);
  EXPECT_EQ(RepaidOnTime(repaid_with_last_late_by(1), 0).value(), false);
  EXPECT_EQ(RepaidOnTime(repaid_with_last_late_by(7), 7).value(), true);
  EXPECT_EQ(RepaidOnTime(repaid_with_last_late_by(8), 7).value(), false);
}

TEST(RepaidOnTimeTest, AnInstalmentClearsWhenItsLastCentIsPaid) {
  LoanPosition position = Open(20000, 2, Frequency::kWeekly, absl::CivilDay(2024, 1, 1));
  Pay(&position, 9000, absl::CivilDay(2024, 1, 1));
  Pay(&position, 1000, absl::CivilDay(2024, 1, 20));  // instalment 1 clears 19 days late
  Pay(&position, 10000, absl::CivilDay(2024, 1, 8));
  EXPECT_EQ(position[0].cleared_on, absl::CivilDay(2024, 1, 20));
  EXPECT_EQ(RepaidOnTime(position, 18).value(), false);
  EXPECT_EQ(RepaidOnTime(position, 19).value(), true);
}

TEST(RepaidOnTimeTest, OnlyForAClosedLoan) {
  LoanPosition position = Open(20000, 2, Frequency::kWeekly, absl::CivilDay(2024, 1, 1));
  Pay(&position, 10000, absl::CivilDay(2024, 1, 1));
  absl::StatusOr<bool> on_time = RepaidOnTime(position, 7);
  EXPECT_THAT(on_time.status(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                         HasSubstr("instalment 2 still has 10000 minor units")));
  EXPECT_THAT(RepaidOnTime(position, -1).status(), StatusIs(absl::StatusCode::kInvalidArgument));

  Pay(&position, 10000, absl::CivilDay(2024, 1, 8));
  position[1].cleared_on.reset();  // a paid instalment without its date is a broken record
  EXPECT_THAT(RepaidOnTime(position, 7).status().message(), HasSubstr("no cleared date"));
}

TEST(LadderTest, EachLoanRepaidOnTimeClimbsOneRung) {
  const std::vector<int64_t> ladder = {50000, 100000, 200000, 500000};
  EXPECT_EQ(LadderCeilingCents(ladder, {}).value(), 50000);
  EXPECT_EQ(LadderCeilingCents(ladder, {true}).value(), 100000);
  EXPECT_EQ(LadderCeilingCents(ladder, {false}).value(), 50000);
  EXPECT_EQ(LadderCeilingCents(ladder, {true, false}).value(), 100000);
  EXPECT_EQ(LadderCeilingCents(ladder, {true, false, true}).value(), 200000);
  EXPECT_EQ(LadderCeilingCents(ladder, {true, true, true}).value(), 500000);
  EXPECT_EQ(LadderCeilingCents(ladder, {true, true, true, true, true}).value(), 500000);
  EXPECT_EQ(LadderCeilingCents({75000}, {true, true}).value(), 75000);
}

TEST(LadderTest, LadderMustBePositiveAndIncreasing) {
  EXPECT_THAT(LadderCeilingCents({}, {}).status().message(), HasSubstr("at least one rung"));
  EXPECT_THAT(LadderCeilingCents({0, 100}, {}).status().message(),
              HasSubstr("ladder[0].minor_units must be positive"));
  absl::StatusOr<int64_t> ceiling = LadderCeilingCents({50000, 50000}, {});
  EXPECT_THAT(ceiling.status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("ladder[1].minor_units must exceed ladder[0].minor_units")));
}

TEST(LadderTest, FromRepaymentHistoriesToTheNextCeiling) {
  // Two closed loans: the first repaid on time, the second with an instalment 10 days late
  // under a 7-day tolerance. The member's next ceiling is the second rung.
  LoanPosition first = Open(50000, 2, Frequency::kEveryTwoWeeks, absl::CivilDay(2023, 3, 1));
  Pay(&first, 25000, absl::CivilDay(2023, 3, 1));
  Pay(&first, 25000, absl::CivilDay(2023, 3, 17));  // due Mar 15, 2 days late
  LoanPosition second = Open(100000, 2, Frequency::kMonthly, absl::CivilDay(2023, 6, 30));
  Pay(&second, 50000, absl::CivilDay(2023, 7, 10));  // 10 days late
  Pay(&second, 50000, absl::CivilDay(2023, 7, 31));
  std::vector<bool> history;
  for (const LoanPosition* loan : {&first, &second}) {
    absl::StatusOr<bool> on_time = RepaidOnTime(*loan, 7);
    ASSERT_TRUE(on_time.ok()) << on_time.status();
    history.push_back(*on_time);
  }
  EXPECT_EQ(history, std::vector<bool>({true, false}));
  EXPECT_EQ(LadderCeilingCents({50000, 100000, 200000, 500000}, history).value(), 100000);
}

}  // namespace
}  // namespace cercles::lending
