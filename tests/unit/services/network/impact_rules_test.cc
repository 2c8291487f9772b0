// The impact report's rules (issue 15, item 5) against a hand-made dataset: the
// periods, each figure of a period and of the whole range, regions, survival
// by cohort (a cohort too young has no figure), and the request's checks.
#include "services/network/impact_rules.h"

#include "cercles/lending/v1/loans.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "common/api/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::network {
namespace {

namespace lv1 = cercles::lending::v1;
namespace mv1 = cercles::membership::v1;
using ::testing::HasSubstr;

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

constexpr int kStarted = mv1::BUSINESS_EVENT_STARTED;
constexpr int kClosed = mv1::BUSINESS_EVENT_CLOSED;
constexpr int kNone = mv1::BUSINESS_EVENT_UNSPECIFIED;

ImpactLoan Loan(std::string fund, std::string region, int64_t borrower, absl::CivilDay disbursed,
                int64_t amount, lv1::LoanState state, int64_t outstanding = 0,
                std::optional<absl::CivilDay> oldest_due = std::nullopt, int64_t written_off = 0) {
  return ImpactLoan{std::move(fund), std::move(region), borrower,   disbursed,  "CAD", amount,
                    state,           outstanding,       oldest_due, written_off};
}

OutcomeRow Outcome(std::string region, int64_t person, std::string day, int64_t meeting, int event,
                   std::optional<OutcomeJobs> created = std::nullopt,
                   std::optional<OutcomeJobs> kept = std::nullopt) {
  return OutcomeRow{"fund-a", std::move(region), person, std::move(day), meeting,
                    event,    created,           kept};
}

// fund-a: four loans over 2024 and 2025 and four entrepreneurs from 2020 on;
// fund-b: one loan before the range.
class ImpactRulesTest : public ::testing::Test {
 protected:
  ImpactRange Range(bool by_region = false) const {
    ImpactRange r;
    r.from = absl::CivilDay(2020, 1, 1);
    r.to = absl::CivilDay(2026, 6, 30);
    r.as_of = absl::CivilDay(2026, 7, 15);  // PAR30: due on 2026-06-14 or before
    r.grain = v1::REPORT_GRAIN_YEAR;
    r.by_region = by_region;
    return r;
  }

  std::vector<ImpactLoan> loans_ = {
      Loan("fund-a", "Rosemont", 1, D(2024, 3, 10), 100000, lv1::LOAN_STATE_ACTIVE, 60000,
           absl::CivilDay(2026, 5, 1)),
      Loan("fund-a", "rosemont", 1, D(2024, 11, 2), 50000, lv1::LOAN_STATE_CLOSED_REPAID),
      Loan("fund-a", "Laval", 2, D(2025, 2, 1), 200000, lv1::LOAN_STATE_WRITTEN_OFF, 0,
           std::nullopt, 120000),
      Loan("fund-a", "", 3, D(2025, 6, 30), 80000, lv1::LOAN_STATE_ACTIVE, 80000,
           absl::CivilDay(2026, 7, 1)),
      Loan("fund-b", "Laval", 9, D(2019, 12, 31), 10000, lv1::LOAN_STATE_ACTIVE, 10000),
  };
  std::vector<OutcomeRow> outcomes_ = {
      // Person 1: started 2020-03-05, closed 2024-02-01 (survives 1 and 3 years, not 5).
      Outcome("Rosemont", 1, "2024-02-01", 30, kClosed),
      Outcome("Rosemont", 1, "2020-03-05", 10, kStarted, OutcomeJobs{1, 0}),
      Outcome("Rosemont", 1, "2021-06-01", 20, kNone, OutcomeJobs{2, 1}),
      // Person 2: started 2020-09-01, closed 2022-01-10 (survives 1 year only).
      Outcome("Laval", 2, "2020-09-01", 11, kStarted, std::nullopt, OutcomeJobs{3, 0}),
      Outcome("Laval", 2, "2022-01-10", 21, kClosed),
      // Person 3: started 2021-05-05; the closure after to_date does not count.
      Outcome("", 3, "2021-05-05", 12, kStarted, OutcomeJobs{1, 1}),
      Outcome("", 3, "2026-08-01", 40, kClosed),
      // Person 4: started 2025-04-01, too young for any horizon.
      Outcome("Rosemont", 4, "2025-04-01", 41, kStarted),
  };
};

TEST(ImpactPeriodsTest, YearsAndQuartersClippedToTheRange) {
  std::vector<Period> q = ReportPeriods(D(2024, 2, 15), D(2024, 11, 3), v1::REPORT_GRAIN_QUARTER);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].start, absl::CivilDay(2024, 2, 15));
  EXPECT_EQ(q[0].end, absl::CivilDay(2024, 3, 31));
  EXPECT_EQ(q[1].start, absl::CivilDay(2024, 4, 1));
  EXPECT_EQ(q[2].end, absl::CivilDay(2024, 9, 30));
  EXPECT_EQ(q[3].start, absl::CivilDay(2024, 10, 1));
  EXPECT_EQ(q[3].end, absl::CivilDay(2024, 11, 3));
  std::vector<Period> y = ReportPeriods(D(2023, 12, 1), D(2025, 1, 1), v1::REPORT_GRAIN_YEAR);
  ASSERT_EQ(y.size(), 3u);
  EXPECT_EQ(y[0].end, absl::CivilDay(2023, 12, 31));
  EXPECT_EQ(y[1].start, absl::CivilDay(2024, 1, 1));
  EXPECT_EQ(y[2].start, absl::CivilDay(2025, 1, 1));
  EXPECT_EQ(y[2].end, absl::CivilDay(2025, 1, 1));
  EXPECT_EQ(ReportPeriods(D(2024, 12, 31), D(2025, 1, 1), v1::REPORT_GRAIN_QUARTER).size(), 2u);
}

TEST_F(ImpactRulesTest, PeriodsCountTheLoansDisbursedInThemAndTheOutcomesUpToTheirEnd) {
  v1::GetImpactReportResponse r = BuildImpactReport(Range(), loans_, outcomes_);
  EXPECT_EQ(r.grain(), v1::REPORT_GRAIN_YEAR);
  EXPECT_EQ(api::FormatDate(r.as_of()), "2026-07-15");
  ASSERT_EQ(r.periods_size(), 14);  // 2020..2026 for each fund, empty ones too
  const v1::ImpactFigures& y2020 = r.periods(0);
  EXPECT_EQ(y2020.fund_id(), "fund-a");
  EXPECT_EQ(y2020.region(), "");
  EXPECT_EQ(y2020.loans_disbursed(), 0);
  EXPECT_FALSE(y2020.has_repayment_rate_bps());
  EXPECT_FALSE(y2020.has_write_off_bps());
  EXPECT_FALSE(y2020.has_par30_bps());
  EXPECT_EQ(y2020.businesses_started(), 2);
  EXPECT_EQ(y2020.businesses_kept(), 2);
  EXPECT_EQ(y2020.jobs_created_full_time(), 1);
  EXPECT_EQ(y2020.jobs_created_part_time(), 0);
  EXPECT_EQ(y2020.jobs_kept_full_time(), 3);

  const v1::ImpactFigures& y2024 = r.periods(4);
  EXPECT_EQ(api::FormatDate(y2024.period_start()), "2024-01-01");
  EXPECT_EQ(api::FormatDate(y2024.period_end()), "2024-12-31");
  EXPECT_EQ(y2024.entrepreneurs_supported(), 1);  // one borrower, two loans
  EXPECT_EQ(y2024.loans_disbursed(), 2);
  EXPECT_EQ(y2024.amount_disbursed().minor_units(), 150000);
  EXPECT_EQ(y2024.amount_disbursed().currency_code(), "CAD");
  EXPECT_EQ(y2024.loans_repaid(), 1);
  EXPECT_EQ(y2024.repayment_rate_bps(), 10000);
  EXPECT_EQ(y2024.write_off_bps(), 0);
  EXPECT_EQ(y2024.outstanding_principal().minor_units(), 60000);
  EXPECT_EQ(y2024.principal_at_risk_30().minor_units(), 60000);
  EXPECT_EQ(y2024.par30_bps(), 10000);
  EXPECT_EQ(y2024.businesses_started(), 0);
  EXPECT_EQ(y2024.businesses_kept(), 1);  // person 3 (1 and 2 closed, 4 not yet)
  EXPECT_EQ(y2024.jobs_created_full_time(), 3);
  EXPECT_EQ(y2024.jobs_created_part_time(), 2);

  const v1::ImpactFigures& y2025 = r.periods(5);
  EXPECT_EQ(y2025.entrepreneurs_supported(), 2);
  EXPECT_EQ(y2025.amount_disbursed().minor_units(), 280000);
  EXPECT_EQ(y2025.loans_written_off(), 1);
  EXPECT_TRUE(y2025.has_repayment_rate_bps());
  EXPECT_EQ(y2025.repayment_rate_bps(), 0);
  EXPECT_EQ(y2025.principal_written_off().minor_units(), 120000);
  EXPECT_EQ(y2025.write_off_bps(), 4286);                    // 120,000 / 280,000
  EXPECT_EQ(y2025.principal_at_risk_30().minor_units(), 0);  // due 2026-07-01: 14 days late
  EXPECT_EQ(y2025.par30_bps(), 0);
  EXPECT_EQ(y2025.businesses_started(), 1);
  EXPECT_EQ(y2025.businesses_kept(), 2);

  const v1::ImpactFigures& y2026 = r.periods(6);
  EXPECT_EQ(api::FormatDate(y2026.period_end()), "2026-06-30");
  EXPECT_EQ(r.periods(7).fund_id(), "fund-b");
  EXPECT_EQ(r.periods(13).loans_disbursed(), 0);  // fund-b's loan is before the range
}

TEST_F(ImpactRulesTest, TotalsCoverTheWholeRange) {
  v1::GetImpactReportResponse r = BuildImpactReport(Range(), loans_, outcomes_);
  ASSERT_EQ(r.totals_size(), 2);
  const v1::ImpactFigures& a = r.totals(0);
  EXPECT_EQ(api::FormatDate(a.period_start()), "2020-01-01");
  EXPECT_EQ(api::FormatDate(a.period_end()), "2026-06-30");
  EXPECT_EQ(a.entrepreneurs_supported(), 3);
  EXPECT_EQ(a.loans_disbursed(), 4);
  EXPECT_EQ(a.amount_disbursed().minor_units(), 430000);
  EXPECT_EQ(a.repayment_rate_bps(), 5000);
  EXPECT_EQ(a.write_off_bps(), 2791);  // 120,000 / 430,000
  EXPECT_EQ(a.outstanding_principal().minor_units(), 140000);
  EXPECT_EQ(a.par30_bps(), 4286);  // 60,000 / 140,000
  EXPECT_EQ(a.businesses_started(), 4);
  EXPECT_EQ(a.businesses_kept(), 2);  // persons 3 and 4
  EXPECT_EQ(a.jobs_created_full_time(), 3);
  EXPECT_EQ(a.jobs_created_part_time(), 2);
  EXPECT_EQ(a.jobs_kept_full_time(), 3);
  EXPECT_EQ(a.jobs_kept_part_time(), 0);
  EXPECT_EQ(r.totals(1).fund_id(), "fund-b");
  EXPECT_EQ(r.totals(1).loans_disbursed(), 0);
}

TEST_F(ImpactRulesTest, RegionsGroupIgnoringCaseAndEntrepreneursByTheirLatestOutcome) {
  v1::GetImpactReportResponse r = BuildImpactReport(Range(/*by_region=*/true), loans_, outcomes_);
  // fund-a: the fund, "(none)", Laval, Rosemont; fund-b: the fund, Laval.
  ASSERT_EQ(r.totals_size(), 6);
  ASSERT_EQ(r.periods_size(), 6 * 7);
  EXPECT_EQ(r.totals(0).region(), "");
  EXPECT_EQ(r.totals(1).region(), "(none)");
  EXPECT_EQ(r.totals(1).loans_disbursed(), 1);
  EXPECT_EQ(r.totals(2).region(), "Laval");
  EXPECT_EQ(r.totals(2).loans_written_off(), 1);
  EXPECT_EQ(r.totals(2).businesses_started(), 1);
  EXPECT_EQ(r.totals(2).businesses_kept(), 0);
  const v1::ImpactFigures& rosemont = r.totals(3);
  EXPECT_EQ(rosemont.region(), "Rosemont");  // the first spelling seen
  EXPECT_EQ(rosemont.loans_disbursed(), 2);
  EXPECT_EQ(rosemont.amount_disbursed().minor_units(), 150000);
  EXPECT_EQ(rosemont.businesses_started(), 2);
  EXPECT_EQ(rosemont.businesses_kept(), 1);
  EXPECT_EQ(r.periods(7).region(), "(none)");  // after the fund's 7 periods
  EXPECT_EQ(r.totals(5).fund_id(), "fund-b");
}

TEST_F(ImpactRulesTest, SurvivalByCohortHasNoFigureForAnHorizonNotReached) {
  v1::GetImpactReportResponse r = BuildImpactReport(Range(), loans_, outcomes_);
  ASSERT_EQ(r.cohorts_size(), 3);
  const v1::CohortSurvival& c2020 = r.cohorts(0);
  EXPECT_EQ(c2020.cohort_year(), 2020);
  EXPECT_EQ(c2020.businesses(), 2);
  EXPECT_EQ(c2020.survived_1_year(), 2);
  EXPECT_EQ(c2020.survival_1_year_bps(), 10000);
  EXPECT_EQ(c2020.survived_3_years(), 1);
  EXPECT_EQ(c2020.survival_3_years_bps(), 5000);
  ASSERT_TRUE(c2020.has_survived_5_years());  // 2025-12-31 is before to_date
  EXPECT_EQ(c2020.survived_5_years(), 0);
  EXPECT_EQ(c2020.survival_5_years_bps(), 0);
  const v1::CohortSurvival& c2021 = r.cohorts(1);
  EXPECT_EQ(c2021.businesses(), 1);
  EXPECT_EQ(c2021.survival_3_years_bps(), 10000);  // its closure is after to_date
  EXPECT_FALSE(c2021.has_survived_5_years());
  EXPECT_FALSE(c2021.has_survival_5_years_bps());
  const v1::CohortSurvival& c2025 = r.cohorts(2);
  EXPECT_EQ(c2025.cohort_year(), 2025);
  EXPECT_FALSE(c2025.has_survived_1_year());
  EXPECT_FALSE(c2025.has_survival_1_year_bps());

  // A range starting in 2021 leaves the 2020 cohort out.
  ImpactRange later = Range();
  later.from = absl::CivilDay(2021, 1, 1);
  EXPECT_EQ(BuildImpactReport(later, loans_, outcomes_).cohorts(0).cohort_year(), 2021);
}

v1::GetImpactReportRequest Request(absl::CivilDay from, absl::CivilDay to) {
  v1::GetImpactReportRequest request;
  *request.mutable_from_date() = api::DateFromDay(from);
  *request.mutable_to_date() = api::DateFromDay(to);
  return request;
}

TEST(ImpactRequestTest, EveryRuleNamesItsField) {
  const absl::CivilDay today(2026, 7, 15);
  v1::GetImpactReportRequest ok = Request(D(2024, 1, 1), D(2024, 12, 31));
  absl::StatusOr<ImpactRange> range = CheckImpactRequest(ok, today);
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->grain, v1::REPORT_GRAIN_YEAR);
  EXPECT_EQ(range->as_of, today);

  v1::GetImpactReportRequest missing = ok;
  missing.clear_from_date();
  EXPECT_EQ(CheckImpactRequest(missing, today).status().message(), "from_date is required");
  missing = ok;
  missing.clear_to_date();
  EXPECT_EQ(CheckImpactRequest(missing, today).status().message(), "to_date is required");

  v1::GetImpactReportRequest reversed = Request(D(2024, 1, 1), D(2023, 12, 31));
  EXPECT_EQ(CheckImpactRequest(reversed, today).status().message(),
            "to_date must be on or after from_date (2024-01-01), got 2023-12-31");
  v1::GetImpactReportRequest too_long = Request(D(2000, 1, 1), D(2030, 1, 1));
  EXPECT_THAT(CheckImpactRequest(too_long, today).status().message(),
              HasSubstr("to_date must be less than 30 years after from_date"));
  EXPECT_TRUE(CheckImpactRequest(Request(D(2000, 1, 1), D(2029, 12, 31)), today).ok());

  v1::GetImpactReportRequest bad_day = ok;
  bad_day.mutable_to_date()->set_day(32);
  EXPECT_THAT(CheckImpactRequest(bad_day, today).status().message(),
              HasSubstr("to_date must be a real calendar day"));
  v1::GetImpactReportRequest grain = ok;
  grain.set_grain(static_cast<v1::ReportGrain>(7));
  EXPECT_THAT(CheckImpactRequest(grain, today).status().message(),
              HasSubstr("grain must be REPORT_GRAIN_YEAR or REPORT_GRAIN_QUARTER"));
  v1::GetImpactReportRequest fund = ok;
  fund.set_fund_id("Bad Fund!");
  EXPECT_THAT(CheckImpactRequest(fund, today).status().message(), HasSubstr("fund_id"));
  for (const auto& s : {CheckImpactRequest(missing, today).status(),
                        CheckImpactRequest(reversed, today).status()}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace cercles::network
