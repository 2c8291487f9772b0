// The portfolio report's arithmetic on a hand-built portfolio. Every expected
// figure is worked out in the comments from the instalments, so a reader can
// check them without the code.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/portfolio.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::CivilDay kAsOf(2024, 6, 15);

// One instalment: due day, scheduled principal and interest, paid parts.
InstalmentPosition Due(int32_t number, absl::CivilDay due, int64_t principal, int64_t interest,
                       int64_t principal_paid = 0, int64_t interest_paid = 0,
                       std::optional<absl::CivilDay> cleared = std::nullopt) {
  InstalmentPosition p;
  p.number = number;
  p.due = due;
  p.principal_due_cents = principal;
  p.interest_due_cents = interest;
  p.principal_paid_cents = principal_paid;
  p.interest_paid_cents = interest_paid;
  p.cleared_on = cleared;
  return p;
}

PortfolioLoan Loan(const std::string& circle, const std::string& advisor, LoanState state,
                   int64_t outstanding, LoanPosition position) {
  PortfolioLoan loan;
  loan.circle = circle;
  loan.advisor = advisor;
  loan.state = state;
  loan.disbursement_date = absl::CivilDay(2024, 1, 1);
  loan.outstanding_principal_cents = outstanding;
  loan.position = std::move(position);
  return loan;
}

// A: circles/1, advisors/1, 45 days past due (instalment 2 due May 1 is unpaid
// but for its interest): SECOND bucket, PAR30. Fell due 20600 + 20400 + 20200 =
// 61200, repaid 20600 + 400 = 21000. Outstanding principal 40000.
PortfolioLoan LoanA() {
  return Loan(
      "circles/1", "advisors/1", LoanState::kActive, 40000,
      {Due(1, absl::CivilDay(2024, 4, 1), 20000, 600, 20000, 600, absl::CivilDay(2024, 4, 1)),
       Due(2, absl::CivilDay(2024, 5, 1), 20000, 400, 0, 400),
       Due(3, absl::CivilDay(2024, 6, 1), 20000, 200)});
}

// B: circles/1, advisors/1, current; instalment 2 (due July 10, after the date)
// is prepaid by 10000 of principal, which counts neither as due nor as repaid.
// Fell due 51000, repaid 51000. Outstanding 40000.
PortfolioLoan LoanB() {
  return Loan(
      "circles/1", "advisors/1", LoanState::kActive, 40000,
      {Due(1, absl::CivilDay(2024, 6, 10), 50000, 1000, 50000, 1000, absl::CivilDay(2024, 6, 9)),
       Due(2, absl::CivilDay(2024, 7, 10), 50000, 500, 10000, 0)});
}

// C: circles/2, advisors/2, 10 days past due: FIRST bucket, not PAR30.
// Fell due 30300, repaid 0. Outstanding 30000.
PortfolioLoan LoanC() {
  return Loan("circles/2", "advisors/2", LoanState::kActive, 30000,
              {Due(1, absl::CivilDay(2024, 6, 5), 30000, 300)});
}

// D: circles/2, advisors/2, repaid. Fell due and repaid 50500.
PortfolioLoan LoanD() {
  return Loan(
      "circles/2", "advisors/2", LoanState::kClosedRepaid, 0,
      {Due(1, absl::CivilDay(2024, 3, 1), 50000, 500, 50000, 500, absl::CivilDay(2024, 3, 1))});
}

// E: circles/10, no advisor, written off with 45000 of principal.
// Fell due 51000, repaid 5000 + 1000 = 6000.
PortfolioLoan LoanE() {
  PortfolioLoan loan = Loan("circles/10", "", LoanState::kWrittenOff, 45000,
                            {Due(1, absl::CivilDay(2024, 1, 1), 50000, 1000, 5000, 1000)});
  loan.written_off_principal_cents = 45000;
  return loan;
}

// H: circles/1, advisors/1, due March 7 and unpaid: 100 days past due (24 days
// of March, 30 of April, 31 of May, 15 of June), BEYOND, PAR30.
// Fell due 10100, repaid 0. Outstanding 10000.
PortfolioLoan LoanH() {
  return Loan("circles/1", "advisors/1", LoanState::kActive, 10000,
              {Due(1, absl::CivilDay(2024, 3, 7), 10000, 100)});
}

std::vector<PortfolioLoan> Portfolio() {
  PortfolioLoan later = LoanC();  // disbursed after the date: left out
  later.disbursement_date = absl::CivilDay(2024, 7, 1);
  later.outstanding_principal_cents = 99999;
  PortfolioLoan request = LoanC();  // a request, not a loan yet: ignored
  request.state = LoanState::kApproved;
  request.outstanding_principal_cents = 77777;
  return {LoanA(), LoanB(), LoanC(), LoanD(), LoanE(), LoanH(), later, request};
}

PortfolioReport Report(const std::vector<PortfolioLoan>& loans, absl::CivilDay as_of = kAsOf,
                       const ArrearsBucketBounds& bounds = {}) {
  absl::StatusOr<PortfolioReport> report = BuildPortfolioReport(loans, as_of, bounds);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.value_or(PortfolioReport{});
}

TEST(PortfolioReport, FundFigures) {
  const PortfolioReport report = Report(Portfolio());
  const PortfolioFigures& fund = report.fund;
  EXPECT_EQ(report.as_of, kAsOf);
  EXPECT_EQ(fund.group, "fund");
  EXPECT_EQ(fund.active_loans, 4);                      // A, B, C, H
  EXPECT_EQ(fund.outstanding_principal_cents, 120000);  // 40000 + 40000 + 30000 + 10000
  EXPECT_EQ(fund.par30_principal_cents, 50000);         // A + H
  EXPECT_EQ(fund.par30_bps, 4167);                      // 50000 / 120000 = 41.666...%
  EXPECT_EQ(fund.fell_due_cents, 254100);               // 61200+51000+30300+50500+51000+10100
  EXPECT_EQ(fund.repaid_due_cents, 128500);             // 21000+51000+0+50500+6000+0
  EXPECT_EQ(fund.repayment_rate_bps, 5057);             // 128500 / 254100 = 50.5706...%
  EXPECT_THAT(fund.loans_per_bucket, ElementsAre(1, 1, 1, 0, 1));  // B, C, A, -, H
  EXPECT_EQ(fund.closed_repaid_loans, 1);
  EXPECT_EQ(fund.written_off_loans, 1);
  EXPECT_EQ(fund.written_off_principal_cents, 45000);
  EXPECT_THAT(report.bucket_labels, ElementsAre("CURRENT", "1-30", "31-60", "61-90", "90+"));
}

TEST(PortfolioReport, ByCircleInIdOrder) {
  const PortfolioReport report = Report(Portfolio());
  ASSERT_EQ(report.by_circle.size(), 3u);
  const PortfolioFigures& one = report.by_circle[0];
  EXPECT_EQ(one.group, "circles/1");  // A, B, H
  EXPECT_EQ(one.active_loans, 3);
  EXPECT_EQ(one.outstanding_principal_cents, 90000);
  EXPECT_EQ(one.par30_principal_cents, 50000);
  EXPECT_EQ(one.par30_bps, 5556);           // 50000 / 90000 = 55.555...%
  EXPECT_EQ(one.repayment_rate_bps, 5887);  // 72000 / 122300 = 58.871...%
  EXPECT_THAT(one.loans_per_bucket, ElementsAre(1, 0, 1, 0, 1));

  const PortfolioFigures& two = report.by_circle[1];
  EXPECT_EQ(two.group, "circles/2");  // C, D (the later loan is left out)
  EXPECT_EQ(two.active_loans, 1);
  EXPECT_EQ(two.outstanding_principal_cents, 30000);
  EXPECT_EQ(two.par30_bps, 0);
  EXPECT_EQ(two.repayment_rate_bps, 6250);  // 50500 / 80800 = 62.5%
  EXPECT_THAT(two.loans_per_bucket, ElementsAre(0, 1, 0, 0, 0));
  EXPECT_EQ(two.closed_repaid_loans, 1);

  const PortfolioFigures& ten = report.by_circle[2];
  EXPECT_EQ(ten.group, "circles/10");  // E only
  EXPECT_EQ(ten.active_loans, 0);
  EXPECT_EQ(ten.outstanding_principal_cents, 0);
  EXPECT_EQ(ten.par30_bps, 0);              // nothing outstanding
  EXPECT_EQ(ten.repayment_rate_bps, 1176);  // 6000 / 51000 = 11.7647...%
  EXPECT_EQ(ten.written_off_loans, 1);
  EXPECT_EQ(ten.written_off_principal_cents, 45000);
}

TEST(PortfolioReport, ByAdvisorLeavesOutLoansWithoutOne) {
  const PortfolioReport report = Report(Portfolio());
  ASSERT_EQ(report.by_advisor.size(), 2u);
  EXPECT_EQ(report.by_advisor[0].group, "advisors/1");
  EXPECT_EQ(report.by_advisor[0].outstanding_principal_cents, 90000);
  EXPECT_EQ(report.by_advisor[0].repayment_rate_bps, 5887);
  EXPECT_EQ(report.by_advisor[1].group, "advisors/2");
  EXPECT_EQ(report.by_advisor[1].active_loans, 1);
  EXPECT_EQ(report.by_advisor[1].closed_repaid_loans, 1);
  EXPECT_EQ(report.by_advisor[1].written_off_loans, 0);  // E has no advisor
}

TEST(PortfolioReport, Par30IsMoreThanThirtyDaysWhateverTheBuckets) {
  // Due May 16: 30 days on June 15 (not PAR30); due May 15: 31 days (PAR30).
  std::vector<PortfolioLoan> loans = {Loan("circles/1", "", LoanState::kActive, 1000,
                                           {Due(1, absl::CivilDay(2024, 5, 16), 1000, 0)}),
                                      Loan("circles/1", "", LoanState::kActive, 3000,
                                           {Due(1, absl::CivilDay(2024, 5, 15), 3000, 0)})};
  ArrearsBucketBounds narrow{10, 20, 25};
  const PortfolioReport report = Report(loans, kAsOf, narrow);
  EXPECT_EQ(report.fund.par30_principal_cents, 3000);
  EXPECT_EQ(report.fund.par30_bps, 7500);
  EXPECT_THAT(report.fund.loans_per_bucket, ElementsAre(0, 0, 0, 0, 2));  // both beyond 25
  EXPECT_THAT(report.bucket_labels, ElementsAre("CURRENT", "1-10", "11-20", "21-25", "25+"));
}

TEST(PortfolioReport, TheDateDecidesWhatFellDue) {
  // On May 31 only A's first two instalments have fallen due (41000, of which
  // 21000 repaid) and A is 30 days late; on April 1 A's first instalment was
  // due that very day and is paid.
  EXPECT_EQ(Report({LoanA()}, absl::CivilDay(2024, 5, 31)).fund.repayment_rate_bps, 5122);
  EXPECT_EQ(Report({LoanA()}, absl::CivilDay(2024, 5, 31)).fund.par30_bps, 0);
  EXPECT_EQ(Report({LoanA()}, absl::CivilDay(2024, 4, 1)).fund.repayment_rate_bps, 10000);
}

TEST(PortfolioReport, TheArrearsToleranceDecidesPar30AndTheBuckets) {
  // A's instalment 2 is short by its 20000 of principal, its instalment 3 by 20200; C's
  // only instalment by 30300. A tolerance of 20001 forgives A's instalment 2 (short by
  // less): A is then 14 days past due (instalment 3, June 1), no longer 45, and leaves
  // PAR30; C stays 10 days late.
  absl::StatusOr<PortfolioReport> report =
      BuildPortfolioReport({LoanA(), LoanC()}, kAsOf, ArrearsBucketBounds{}, 20001);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->fund.par30_principal_cents, 0);
  EXPECT_THAT(report->fund.loans_per_bucket, ElementsAre(0, 2, 0, 0, 0));
  // Exactly the shortfall: A is late again (the tolerance is "below").
  report = BuildPortfolioReport({LoanA(), LoanC()}, kAsOf, ArrearsBucketBounds{}, 20000);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->fund.par30_principal_cents, 40000);
  EXPECT_THAT(report->fund.loans_per_bucket, ElementsAre(0, 1, 1, 0, 0));
  // The repayment rate counts what fell due and what was paid, tolerance or not.
  EXPECT_EQ(report->fund.fell_due_cents, Report({LoanA(), LoanC()}).fund.fell_due_cents);
}

TEST(PortfolioReport, EmptyPortfolio) {
  const PortfolioReport report = Report({});
  EXPECT_EQ(report.fund.active_loans, 0);
  EXPECT_EQ(report.fund.par30_bps, 0);
  EXPECT_EQ(report.fund.repayment_rate_bps, 10000);  // nothing fell due
  EXPECT_THAT(report.fund.loans_per_bucket, ElementsAre(0, 0, 0, 0, 0));
  EXPECT_TRUE(report.by_circle.empty());
  EXPECT_TRUE(report.by_advisor.empty());
}

TEST(PortfolioReport, RefusesBadBoundsAndBadPositions) {
  EXPECT_THAT(BuildPortfolioReport({}, kAsOf, ArrearsBucketBounds{30, 20, 90}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  PortfolioLoan bad = LoanC();
  bad.position[0].principal_paid_cents = 40000;  // more than due
  absl::StatusOr<PortfolioReport> report = BuildPortfolioReport({bad}, kAsOf, {});
  EXPECT_THAT(report.status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("circles/2")));
}

TEST(PortfolioBasisPoints, RoundsHalfUp) {
  EXPECT_EQ(BasisPoints(1, 8, 0), 1250);
  EXPECT_EQ(BasisPoints(1, 3, 0), 3333);
  EXPECT_EQ(BasisPoints(2, 3, 0), 6667);
  EXPECT_EQ(BasisPoints(1, 20000, 0), 1);  // 0.5 bp rounds up
  EXPECT_EQ(BasisPoints(1, 20001, 0), 0);
  EXPECT_EQ(BasisPoints(0, 0, 10000), 10000);
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(BasisPoints(max, max, 0), 10000);  // no overflow
  EXPECT_EQ(BasisPoints(max / 2, max, 0), 5000);
}

}  // namespace
}  // namespace cercles::lending
