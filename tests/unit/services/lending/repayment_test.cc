#include "services/lending/repayment.h"

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/schedule.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {

// gtest prints allocation lines this way in failure messages (found by argument lookup).
void PrintTo(const AllocationLine& line, std::ostream* os) {
  *os << "{#" << line.instalment_number << " principal " << line.principal_cents << " interest "
      << line.interest_cents << "}";
}

namespace {

using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// $1,000 at 8 % over 12 months from 2024-01-31 (the reference table of schedule_test.cc):
// instalment 1 is 667 interest + 8032 principal, 2 is 613 + 8086, 3 is 559 + 8140, ...,
// 12 is 58 + 8639; 4386 cents of interest in all.
LoanPosition ThousandAtEightPercent() {
  ScheduleTerms terms;
  terms.principal_cents = 100000;
  terms.annual_rate_bps = 800;
  terms.instalment_count = 12;
  terms.frequency = Frequency::kMonthly;
  terms.first_due = absl::CivilDay(2024, 1, 31);
  absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
  EXPECT_TRUE(schedule.ok()) << schedule.status();
  return OpenPosition(*schedule);
}

AllocationLine Line(int32_t number, int64_t principal, int64_t interest) {
  return AllocationLine{number, principal, interest};
}

TEST(RepaymentTest, OpenPositionCopiesTheSchedule) {
  const LoanPosition position = ThousandAtEightPercent();
  ASSERT_EQ(position.size(), 12u);
  EXPECT_EQ(position[0].due, absl::CivilDay(2024, 1, 31));
  EXPECT_EQ(position[0].principal_due_cents, 8032);
  EXPECT_EQ(position[0].interest_due_cents, 667);
  EXPECT_EQ(position[1].due, absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(Outstanding(position).principal_cents, 100000);
  EXPECT_EQ(Outstanding(position).interest_cents, 4386);
  EXPECT_TRUE(ValidatePosition(position).ok());
}

TEST(RepaymentTest, ExactInstalmentClearsIt) {
  LoanPosition position = ThousandAtEightPercent();
  absl::StatusOr<Allocation> allocation =
      AllocateRepayment(position, 8699, absl::CivilDay(2024, 1, 31));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_THAT(allocation->lines, ElementsAre(Line(1, 8032, 667)));
  EXPECT_EQ(allocation->principal_cents, 8032);
  EXPECT_EQ(allocation->interest_cents, 667);
  EXPECT_EQ(allocation->total_cents(), 8699);
  ASSERT_TRUE(ApplyAllocation(*allocation, &position).ok());
  EXPECT_TRUE(position[0].fully_paid());
  EXPECT_EQ(position[0].cleared_on, absl::CivilDay(2024, 1, 31));
  EXPECT_FALSE(position[1].cleared_on.has_value());
  EXPECT_EQ(Outstanding(position).total_cents(), 104386 - 8699);
}

TEST(RepaymentTest, PartialPaymentsPayInterestBeforePrincipal) {
  LoanPosition position = ThousandAtEightPercent();
  const absl::CivilDay day(2024, 2, 5);
  absl::StatusOr<Allocation> first = AllocateRepayment(position, 500, day);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->lines, ElementsAre(Line(1, 0, 500)));
  ASSERT_TRUE(ApplyAllocation(*first, &position).ok());

  absl::StatusOr<Allocation> second = AllocateRepayment(position, 300, day);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(second->lines, ElementsAre(Line(1, 133, 167)));
  ASSERT_TRUE(ApplyAllocation(*second, &position).ok());
  EXPECT_EQ(position[0].interest_paid_cents, 667);
  EXPECT_EQ(position[0].principal_paid_cents, 133);
  EXPECT_FALSE(position[0].cleared_on.has_value());
}

TEST(RepaymentTest, OldestDueInstalmentFirst) {
  LoanPosition position = ThousandAtEightPercent();
  // On 2024-03-01 instalments 1 (Jan 31) and 2 (Feb 29) are due, nothing paid. 10000 cents:
  // 667 + 8032 clear the first, then 613 interest and 688 principal of the second.
  absl::StatusOr<Allocation> allocation =
      AllocateRepayment(position, 10000, absl::CivilDay(2024, 3, 1));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_THAT(allocation->lines, ElementsAre(Line(1, 8032, 667), Line(2, 688, 613)));
  ASSERT_TRUE(ApplyAllocation(*allocation, &position).ok());
  EXPECT_EQ(position[0].cleared_on, absl::CivilDay(2024, 3, 1));
  EXPECT_FALSE(position[1].cleared_on.has_value());
}

TEST(RepaymentTest, AnInstalmentDueOnTheDayIsDue) {
  LoanPosition position = ThousandAtEightPercent();
  absl::StatusOr<Allocation> allocation =
      AllocateRepayment(position, 700, absl::CivilDay(2024, 1, 31));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_THAT(allocation->lines, ElementsAre(Line(1, 33, 667)));
  // The day before, nothing is due: the same 700 is a prepayment of principal only.
  allocation = AllocateRepayment(position, 700, absl::CivilDay(2024, 1, 30));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_THAT(allocation->lines, ElementsAre(Line(1, 700, 0)));
}

TEST(RepaymentTest, PrepaymentReducesTheNextInstalmentsPrincipalInOrder) {
  LoanPosition position = ThousandAtEightPercent();
  // 2024-02-10: instalment 1 due. 8699 clears it; the remaining 10000 pays the principal of
  // instalment 2 (8086) and then of 3 (1914); no interest of a future instalment.
  absl::StatusOr<Allocation> allocation =
      AllocateRepayment(position, 8699 + 10000, absl::CivilDay(2024, 2, 10));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_THAT(allocation->lines,
              ElementsAre(Line(1, 8032, 667), Line(2, 8086, 0), Line(3, 1914, 0)));
  EXPECT_EQ(allocation->principal_cents, 8032 + 10000);
  EXPECT_EQ(allocation->interest_cents, 667);
  ASSERT_TRUE(ApplyAllocation(*allocation, &position).ok());
  EXPECT_FALSE(position[1].fully_paid());  // its 613 interest is still owed when due
  EXPECT_EQ(position[1].outstanding_cents(), 613);
  EXPECT_FALSE(position[1].cleared_on.has_value());

  // When instalment 2 falls due, 613 settles it.
  allocation = AllocateRepayment(position, 613, absl::CivilDay(2024, 2, 29));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_THAT(allocation->lines, ElementsAre(Line(2, 0, 613)));
  ASSERT_TRUE(ApplyAllocation(*allocation, &position).ok());
  EXPECT_EQ(position[1].cleared_on, absl::CivilDay(2024, 2, 29));
}

TEST(RepaymentTest, FullPayoffPaysAllPrincipalThenScheduledInterest) {
  LoanPosition position = ThousandAtEightPercent();
  absl::StatusOr<Allocation> allocation =
      AllocateRepayment(position, 104386, absl::CivilDay(2024, 1, 31));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_EQ(allocation->principal_cents, 100000);
  EXPECT_EQ(allocation->interest_cents, 4386);
  ASSERT_EQ(allocation->lines.size(), 12u);
  ASSERT_TRUE(ApplyAllocation(*allocation, &position).ok());
  EXPECT_EQ(Outstanding(position).total_cents(), 0);
  for (const InstalmentPosition& p : position) {
    EXPECT_EQ(p.cleared_on, absl::CivilDay(2024, 1, 31)) << p.number;
  }

  // All principal but not all of the future interest: 100000 + 667 (instalment 1's
  // interest, due) + 100 pays interest of instalment 2 only.
  position = ThousandAtEightPercent();
  allocation = AllocateRepayment(position, 100767, absl::CivilDay(2024, 1, 31));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_EQ(allocation->principal_cents, 100000);
  EXPECT_EQ(allocation->lines[0], Line(1, 8032, 667));
  EXPECT_EQ(allocation->lines[1], Line(2, 8086, 100));
  EXPECT_EQ(allocation->lines[2], Line(3, 8140, 0));
}

TEST(RepaymentTest, OverpaymentIsRefusedNamingTheOutstanding) {
  LoanPosition position = ThousandAtEightPercent();
  absl::StatusOr<Allocation> allocation =
      AllocateRepayment(position, 104387, absl::CivilDay(2024, 6, 1));
  EXPECT_THAT(allocation.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("amount_cents 104387"),
                                        HasSubstr("outstanding 104386 cents"))));

  // A repaid loan accepts nothing more.
  allocation = AllocateRepayment(position, 104386, absl::CivilDay(2024, 6, 1));
  ASSERT_TRUE(allocation.ok());
  ASSERT_TRUE(ApplyAllocation(*allocation, &position).ok());
  allocation = AllocateRepayment(position, 1, absl::CivilDay(2024, 6, 1));
  EXPECT_THAT(allocation.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("outstanding 0 cents")));
}

TEST(RepaymentTest, NonPositiveAmountsAndBadPositionsAreInvalid) {
  LoanPosition position = ThousandAtEightPercent();
  for (int64_t amount : {0, -1}) {
    absl::StatusOr<Allocation> allocation =
        AllocateRepayment(position, amount, absl::CivilDay(2024, 6, 1));
    EXPECT_THAT(allocation.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("amount_cents must be positive")));
  }
  LoanPosition bad = position;
  bad[3].principal_paid_cents = bad[3].principal_due_cents + 1;
  EXPECT_THAT(AllocateRepayment(bad, 1, absl::CivilDay(2024, 6, 1)).status().message(),
              HasSubstr("position[3].principal_paid_cents"));
  bad = position;
  bad[2].number = 9;
  EXPECT_THAT(ValidatePosition(bad).message(), HasSubstr("position[2].number must be 3"));
  bad = position;
  bad[2].due = absl::CivilDay(2000, 1, 1);
  EXPECT_THAT(ValidatePosition(bad), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RepaymentTest, ReversalRestoresThePriorStateExactly) {
  LoanPosition position = ThousandAtEightPercent();
  absl::StatusOr<Allocation> first = AllocateRepayment(position, 8699, absl::CivilDay(2024, 1, 31));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(ApplyAllocation(*first, &position).ok());
  const LoanPosition after_first = position;

  absl::StatusOr<Allocation> second =
      AllocateRepayment(position, 20000, absl::CivilDay(2024, 3, 5));
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(ApplyAllocation(*second, &position).ok());
  EXPECT_EQ(position[1].cleared_on, absl::CivilDay(2024, 3, 5));

  ASSERT_TRUE(ReverseAllocation(*second, &position).ok());
  EXPECT_EQ(position, after_first);
  ASSERT_TRUE(ReverseAllocation(*first, &position).ok());
  EXPECT_EQ(position, ThousandAtEightPercent());
}

TEST(RepaymentTest, ImpossibleReversalOrApplicationLeavesThePositionUntouched) {
  LoanPosition position = ThousandAtEightPercent();
  absl::StatusOr<Allocation> allocation =
      AllocateRepayment(position, 8699, absl::CivilDay(2024, 1, 31));
  ASSERT_TRUE(allocation.ok());
  const LoanPosition before = position;
  // Nothing was applied: there is nothing to take back.
  absl::Status status = ReverseAllocation(*allocation, &position);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("instalment 1 more than was paid")));
  EXPECT_EQ(position, before);

  ASSERT_TRUE(ApplyAllocation(*allocation, &position).ok());
  const LoanPosition paid = position;
  // Applying it twice would overpay instalment 1; a line for instalment 2 before it must
  // not be half-applied either.
  Allocation twice = *allocation;
  twice.lines.insert(twice.lines.begin(), Line(2, 1, 0));
  status = ApplyAllocation(twice, &position);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("instalment 1 more than is outstanding")));
  EXPECT_EQ(position, paid);

  Allocation stray;
  stray.lines.push_back(Line(13, 1, 0));
  EXPECT_THAT(ApplyAllocation(stray, &position).message(), HasSubstr("instalment 13"));
  stray.lines[0] = Line(1, -1, 0);
  EXPECT_THAT(ReverseAllocation(stray, &position).message(), HasSubstr("negative"));
  EXPECT_EQ(position, paid);
}

// Checks the allocation order on one allocation against the position it was made from.
void ExpectAllocationOrder(const LoanPosition& before, const Allocation& allocation) {
  std::vector<AllocationLine> by_instalment(before.size());
  for (const AllocationLine& line : allocation.lines) {
    by_instalment[static_cast<size_t>(line.instalment_number - 1)] = line;
  }
  bool due_left_unpaid = false;  // an earlier due instalment keeps something outstanding
  bool future_principal_left = false;
  for (size_t i = 0; i < before.size(); ++i) {
    const InstalmentPosition& p = before[i];
    const AllocationLine& line = by_instalment[i];
    const bool due = p.due <= allocation.received_on;
    if (due) {
      if (line.principal_cents > 0) {
        ASSERT_EQ(line.interest_cents, p.interest_outstanding_cents())
            << "principal before interest";
      }
      if (line.principal_cents + line.interest_cents > 0) {
        ASSERT_FALSE(due_left_unpaid) << "a later instalment paid before an older one";
      }
      if (line.principal_cents + line.interest_cents < p.outstanding_cents()) {
        due_left_unpaid = true;
      }
    } else {
      if (line.principal_cents > 0) {
        ASSERT_FALSE(due_left_unpaid) << "prepaid while a due instalment is owed";
      }
      if (line.principal_cents < p.principal_outstanding_cents()) future_principal_left = true;
    }
  }
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i].due > allocation.received_on && by_instalment[i].interest_cents > 0) {
      ASSERT_FALSE(future_principal_left) << "future interest before all principal";
    }
  }
}

TEST(RepaymentPropertyTest, RandomSequencesConserveEveryCent) {
  std::mt19937_64 random(4242);  // fixed seed: a failure reproduces
  const Frequency frequencies[] = {Frequency::kWeekly, Frequency::kEveryTwoWeeks,
                                   Frequency::kMonthly};
  int repayments = 0;
  for (int loan = 0; loan < 400; ++loan) {
    ScheduleTerms terms;
    terms.principal_cents = std::uniform_int_distribution<int64_t>(50000, 2000000)(random);
    terms.annual_rate_bps = std::uniform_int_distribution<int32_t>(0, 1000)(random);
    terms.instalment_count = std::uniform_int_distribution<int32_t>(1, 60)(random);
    terms.frequency = frequencies[std::uniform_int_distribution<int>(0, 2)(random)];
    terms.method = loan % 3 == 0 ? InterestMethod::kFlat : InterestMethod::kDecliningBalance;
    terms.first_due =
        absl::CivilDay(2024, 1, 1) + std::uniform_int_distribution<int>(0, 365)(random);
    absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
    ASSERT_TRUE(schedule.ok()) << schedule.status();
    const LoanPosition opened = OpenPosition(*schedule);
    const int64_t scheduled_total = terms.principal_cents + schedule->total_interest_cents;

    LoanPosition position = opened;
    std::vector<Allocation> applied;
    std::vector<LoanPosition> states = {opened};  // states[k]: after k allocations
    absl::CivilDay day = terms.first_due - 10;
    int64_t paid = 0;
    while (Outstanding(position).total_cents() > 0) {
      day += std::uniform_int_distribution<int>(0, 40)(random);
      const int64_t outstanding = Outstanding(position).total_cents();
      const int kind = std::uniform_int_distribution<int>(0, 9)(random);
      int64_t amount = kind == 0   ? outstanding
                       : kind == 1 ? 1
                                   : std::uniform_int_distribution<int64_t>(
                                         1, std::max<int64_t>(1, outstanding / 4))(random);
      amount = std::min(amount, outstanding);

      // One cent more than everything is always refused, and changes nothing.
      EXPECT_THAT(AllocateRepayment(position, outstanding + 1, day).status(),
                  StatusIs(absl::StatusCode::kFailedPrecondition));

      absl::StatusOr<Allocation> allocation = AllocateRepayment(position, amount, day);
      ASSERT_TRUE(allocation.ok()) << allocation.status();
      ASSERT_EQ(allocation->total_cents(), amount);
      int64_t line_sum = 0;
      for (const AllocationLine& line : allocation->lines) {
        ASSERT_GT(line.principal_cents + line.interest_cents, 0);
        line_sum += line.principal_cents + line.interest_cents;
      }
      ASSERT_EQ(line_sum, amount);
      ASSERT_NO_FATAL_FAILURE(ExpectAllocationOrder(position, *allocation));
      ASSERT_TRUE(ApplyAllocation(*allocation, &position).ok());
      ASSERT_TRUE(ValidatePosition(position).ok());
      paid += amount;
      ++repayments;
      applied.push_back(*allocation);
      states.push_back(position);

      // Conservation: paid + outstanding is what the schedule asked for, principal apart.
      const OutstandingAmounts now = Outstanding(position);
      ASSERT_EQ(paid + now.total_cents(), scheduled_total);
      int64_t principal_paid = 0;
      for (const InstalmentPosition& p : position) principal_paid += p.principal_paid_cents;
      ASSERT_EQ(principal_paid + now.principal_cents, terms.principal_cents);
      for (const InstalmentPosition& p : position) {
        ASSERT_EQ(p.cleared_on.has_value(), p.fully_paid()) << p.number;
      }

      // Now and then, reverse the latest few repayments and check each earlier state.
      if (std::uniform_int_distribution<int>(0, 7)(random) == 0) {
        const size_t undo = std::min<size_t>(applied.size(), 3);
        for (size_t k = 0; k < undo; ++k) {
          ASSERT_TRUE(ReverseAllocation(applied.back(), &position).ok());
          paid -= applied.back().total_cents();
          applied.pop_back();
          states.pop_back();
          ASSERT_EQ(position, states.back());
        }
      }
    }
    for (const InstalmentPosition& p : position) ASSERT_TRUE(p.fully_paid());
    // Unwind everything: the loan is as disbursed.
    while (!applied.empty()) {
      ASSERT_TRUE(ReverseAllocation(applied.back(), &position).ok());
      applied.pop_back();
    }
    ASSERT_EQ(position, opened);
  }
  EXPECT_GT(repayments, 2000);
}

}  // namespace
}  // namespace cercles::lending
