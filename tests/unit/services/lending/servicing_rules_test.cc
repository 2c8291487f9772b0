#include "services/lending/servicing_rules.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/fund_settings.h"
#include "services/lending/loan_lifecycle.h"
#include "services/lending/repayment.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::IsOkAndHolds;
using ::cercles::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr absl::StatusCode kRefused = absl::StatusCode::kFailedPrecondition;

ServicedLoan ActiveLoan() {
  ServicedLoan loan;
  loan.name = "loans/7";
  loan.state = LoanState::kActive;
  loan.guarantee_kind = GuaranteeKind::kCircleGuarantee;
  loan.disbursement_date = absl::CivilDay(2026, 3, 1);
  loan.outstanding_principal_cents = 100'000;
  return loan;
}

TEST(ServicingRulesTest, FormatAmountShowsMinorUnitsAndSign) {
  EXPECT_EQ(FormatAmount(123'456, "CAD"), "1234.56 CAD");
  EXPECT_EQ(FormatAmount(5, "CAD"), "0.05 CAD");
  EXPECT_EQ(FormatAmount(-250, "CAD"), "-2.50 CAD");
}

TEST(ServicingRulesTest, MovementDayIsTodayByDefaultAndNeverFutureNorBeforeEarliest) {
  const absl::CivilDay today(2026, 6, 10);
  const absl::CivilDay disbursed(2026, 3, 1);
  EXPECT_THAT(MovementDay(std::nullopt, "received_on", today, disbursed, "the disbursement"),
              IsOkAndHolds(today));
  EXPECT_THAT(MovementDay(disbursed, "received_on", today, disbursed, "the disbursement"),
              IsOkAndHolds(disbursed));
  EXPECT_THAT(MovementDay(today + 1, "received_on", today, disbursed, "the disbursement"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("received_on 2026-06-11 is in the future"),
                             HasSubstr("today is 2026-06-10"))));
  EXPECT_THAT(MovementDay(disbursed - 1, "call_date", today, disbursed, "the disbursement"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("call_date 2026-02-28 is before the disbursement (2026-03-01)")));
  EXPECT_THAT(MovementDay(absl::CivilDay(2020, 1, 1), "received_on", today, std::nullopt, "x"),
              IsOkAndHolds(absl::CivilDay(2020, 1, 1)));
}

TEST(ServicingRulesTest, CheckActiveNamesTheStateAndWhatIsRefused) {
  EXPECT_TRUE(CheckActive(ActiveLoan(), "repayments are recorded").ok());
  ServicedLoan approved = ActiveLoan();
  approved.state = LoanState::kApproved;
  EXPECT_THAT(CheckActive(approved, "repayments are recorded"),
              StatusIs(kRefused, HasSubstr("loans/7 is APPROVED: repayments are recorded only on "
                                           "an ACTIVE loan")));
}

TEST(ServicingRulesTest, PrincipalOnLoanLeavesOutWhatTheGuarantorsOwe) {
  ServicedLoan loan = ActiveLoan();
  EXPECT_EQ(PrincipalOnLoan(loan), 100'000);
  loan.guarantee_called_cents = 40'000;
  EXPECT_EQ(PrincipalOnLoan(loan), 60'000);
}

TEST(ServicingRulesTest, CheckRepaymentRefusesAfterACallAndOverpayments) {
  const OutstandingAmounts owed{10'000, 500};
  EXPECT_TRUE(CheckRepayment(ActiveLoan(), owed, 10'500, "CAD").ok());
  EXPECT_THAT(CheckRepayment(ActiveLoan(), owed, 10'501, "CAD"),
              StatusIs(kRefused, AllOf(HasSubstr("amount 105.01 CAD exceeds what loans/7 still "
                                                 "owes: 105.00 CAD"),
                                       HasSubstr("overpayments are refused"))));
  ServicedLoan called = ActiveLoan();
  called.guarantee_called_cents = 1;
  EXPECT_THAT(CheckRepayment(called, owed, 100, "CAD"),
              StatusIs(kRefused, HasSubstr("record their payments with RecordGuarantorPayment")));
}

TEST(ServicingRulesTest, CheckReversibleOnlyTheLatestLiveRepaymentOfAnOpenLoan) {
  const RecordedRepayment latest{3, "loans/7/repayments/3", std::nullopt};
  EXPECT_TRUE(CheckReversible(ActiveLoan(), latest, 3).ok());
  ServicedLoan repaid = ActiveLoan();
  repaid.state = LoanState::kClosedRepaid;
  EXPECT_TRUE(CheckReversible(repaid, latest, 3).ok());

  EXPECT_THAT(CheckReversible(ActiveLoan(), {3, "loans/7/repayments/3", 44}, 2),
              StatusIs(kRefused, HasSubstr("is already reversed (journal entry 44)")));
  ServicedLoan written_off = ActiveLoan();
  written_off.state = LoanState::kWrittenOff;
  EXPECT_THAT(CheckReversible(written_off, latest, 3),
              StatusIs(kRefused, HasSubstr("only the repayments of an ACTIVE or CLOSED_REPAID")));
  ServicedLoan called = ActiveLoan();
  called.guarantee_called_cents = 1;
  EXPECT_THAT(CheckReversible(called, latest, 3),
              StatusIs(kRefused, HasSubstr("they are no longer reversed")));
  EXPECT_THAT(CheckReversible(ActiveLoan(), {2, "loans/7/repayments/2", std::nullopt}, 3),
              StatusIs(kRefused, HasSubstr("only the latest repayment not yet reversed "
                                           "(loans/7/repayments/3)")));
}

TEST(ServicingRulesTest, CheckCallableGuardsInOrder) {
  FundSettings settings;  // calls from 60 days past due
  const absl::CivilDay day(2026, 6, 10);
  EXPECT_TRUE(CheckCallable(ActiveLoan(), std::nullopt, 60, day, settings).ok());

  ServicedLoan closed = ActiveLoan();
  closed.state = LoanState::kClosedRepaid;
  EXPECT_THAT(CheckCallable(closed, std::nullopt, 90, day, settings),
              StatusIs(kRefused, HasSubstr("a guarantee is called only on an ACTIVE loan")));
  ServicedLoan individual = ActiveLoan();
  individual.guarantee_kind = GuaranteeKind::kIndividualResponsibility;
  EXPECT_THAT(CheckCallable(individual, std::nullopt, 90, day, settings),
              StatusIs(kRefused, HasSubstr("there is no guarantee to call")));
  EXPECT_THAT(CheckCallable(ActiveLoan(), absl::CivilDay(2026, 5, 1), 90, day, settings),
              StatusIs(kRefused, HasSubstr("was already called on 2026-05-01")));
  EXPECT_THAT(CheckCallable(ActiveLoan(), std::nullopt, 59, day, settings),
              StatusIs(kRefused, HasSubstr("loans/7 is 59 days past due on 2026-06-10; the fund "
                                           "calls a guarantee from 60 days past due")));
  ServicedLoan nothing_left = ActiveLoan();
  nothing_left.guarantee_called_cents = nothing_left.outstanding_principal_cents;
  EXPECT_THAT(CheckCallable(nothing_left, std::nullopt, 90, day, settings),
              StatusIs(kRefused, HasSubstr("no principal left to call")));
}

TEST(ServicingRulesTest, CheckGuarantorPaymentFindsTheShareAndCapsIt) {
  const std::vector<ShareOwed> shares = {{"people/1", 5'000, 1'000}, {"people/2", 5'000, 0}};
  EXPECT_THAT(CheckGuarantorPayment(ActiveLoan(), shares, "people/2", 5'000, "CAD"),
              IsOkAndHolds(1u));
  EXPECT_THAT(CheckGuarantorPayment(ActiveLoan(), shares, "people/1", 4'001, "CAD"),
              StatusIs(kRefused, HasSubstr("amount 40.01 CAD exceeds what remains of people/1's "
                                           "share: 40.00 CAD of 50.00 CAD")));
  EXPECT_THAT(CheckGuarantorPayment(ActiveLoan(), shares, "people/3", 1, "CAD"),
              StatusIs(kRefused, HasSubstr("people/3 is not a guarantor of loans/7 (its "
                                           "guarantors: people/1, people/2)")));
}

TEST(ServicingRulesTest, CheckWriteOffNeedsTheThresholdAndAnActiveLoan) {
  FundSettings settings;  // writes off from 180 days past due
  const absl::CivilDay day(2026, 12, 1);
  EXPECT_TRUE(CheckWriteOff(ActiveLoan(), 180, day, settings).ok());
  EXPECT_THAT(CheckWriteOff(ActiveLoan(), 179, day, settings),
              StatusIs(kRefused, HasSubstr("the fund writes a loan off from 180 days past due")));
  ServicedLoan closed = ActiveLoan();
  closed.state = LoanState::kClosedRepaid;
  EXPECT_THAT(CheckWriteOff(closed, 200, day, settings), StatusIs(kRefused));
}

}  // namespace
}  // namespace cercles::lending
