// The demo's loans pass lending's own rules (no server needed): valid terms,
// within each borrower's stepped-loan ceiling, repayments that add up to the
// schedule, every date before the anchor day; and the plan shows every story.
#include "tools/demo/lending_plan.h"

#include <map>
#include <set>

#include "gtest/gtest.h"
#include "services/lending/arrears.h"
#include "services/lending/fund_settings.h"
#include "services/lending/loan_lifecycle.h"

namespace cercles::demo {
namespace {

class LendingPlanTest : public ::testing::TestWithParam<absl::CivilDay> {
 protected:
  void SetUp() override {
    plan_ = PlanDemo(2026, GetParam(), 4);
    loans_ = PlanLending(plan_, 2026);
  }
  DemoPlan plan_;
  LendingPlan loans_;
};

TEST_P(LendingPlanTest, EveryLoanPassesLendingRules) {
  const lending::FundSettings settings;
  std::map<int, std::vector<bool>> repaid_on_time;  // per person, in order
  for (const LoanPlan& loan : loans_.loans) {
    SCOPED_TRACE(loan.key);
    lending::LoanRequest request;
    request.amount_cents = loan.terms.principal_cents;
    request.purpose = loan.purpose;
    request.business_plan_summary = loan.plan_summary;
    request.instalment_count = loan.terms.instalment_count;
    request.frequency = loan.terms.frequency;
    request.annual_rate_bps = loan.terms.annual_rate_bps;
    auto ceiling =
        lending::LadderCeilingCents(settings.ladder_cents, repaid_on_time[loan.applicant]);
    ASSERT_TRUE(ceiling.ok());
    EXPECT_TRUE(lending::ValidateLoanRequest(request, *ceiling, settings).ok())
        << lending::ValidateLoanRequest(request, *ceiling, settings);
    auto schedule = lending::BuildSchedule(loan.terms);
    ASSERT_TRUE(schedule.ok()) << schedule.status();
    EXPECT_FALSE(VotersOf(plan_, loan).empty());
    int64_t paid = 0;
    for (const PaymentPlan& payment : loan.payments) {
      EXPECT_GE(payment.day, loan.disbursed);
      EXPECT_LT(payment.day, plan_.anchor);
      paid += payment.cents;
    }
    int64_t owed = 0;
    for (const auto& instalment : schedule->instalments) owed += instalment.total_cents;
    if (loan.fate == LoanFate::kRepaid) {
      EXPECT_EQ(paid, owed);
      repaid_on_time[loan.applicant].push_back(true);
    } else {
      EXPECT_LT(paid, owed);
    }
    if (loan.write_off) {
      EXPECT_LT(*loan.write_off, plan_.anchor);
    }
    if (loan.guarantee_call) {
      EXPECT_LT(*loan.guarantee_call, plan_.anchor);
    }
  }
}

TEST_P(LendingPlanTest, ShowsEveryStory) {
  std::set<LoanFate> fates;
  int64_t largest = 0;
  for (const LoanPlan& loan : loans_.loans) {
    fates.insert(loan.fate);
    largest = std::max(largest, loan.terms.principal_cents);
  }
  EXPECT_EQ(fates.size(), 8u);
  EXPECT_EQ(largest, 500'000);  // $5,000 after three loans repaid: above the guarantee threshold
  EXPECT_GE(loans_.loans.size(), 14u);
  EXPECT_EQ(loans_.bank_referrals.size(), 3u);
  EXPECT_EQ(loans_.subsidies.size(), 3u);
}

TEST_P(LendingPlanTest, IsDeterministic) {
  const LendingPlan again = PlanLending(PlanDemo(2026, GetParam(), 4), 2026);
  ASSERT_EQ(again.loans.size(), loans_.loans.size());
  for (size_t i = 0; i < again.loans.size(); ++i) {
    EXPECT_EQ(again.loans[i].purpose, loans_.loans[i].purpose);
    EXPECT_EQ(again.loans[i].payments.size(), loans_.loans[i].payments.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Anchors, LendingPlanTest,
                         ::testing::Values(absl::CivilDay(2026, 11, 27),
                                           absl::CivilDay(2027, 2, 28),
                                           absl::CivilDay(2028, 2, 29)));

}  // namespace
}  // namespace cercles::demo
