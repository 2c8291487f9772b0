// The federated impact report's rules (issue 15, item 5): rows add up with
// their ratios recomputed from the sums (never averaged), the small-cell rule
// merges or drops small regions and drops small cohorts, a peer's answer that
// cannot be added is refused, and the network rows sum every fund.
#include "services/network/impact_federation_rules.h"

#include "common/api/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::network {
namespace {

using ::testing::HasSubstr;

cercles::common::v1::Date D(int y, int m, int d) {
  return api::DateFromDay(absl::CivilDay(y, m, d));
}

// A row of `fund` and `region` over [from, to] with the given counts; amounts in CAD.
v1::ImpactFigures Row(const std::string& fund, const std::string& region,
                      cercles::common::v1::Date from, cercles::common::v1::Date to, int borrowers,
                      int loans, int64_t amount, int repaid, int written_off,
                      int64_t principal_written_off, int64_t outstanding, int64_t at_risk) {
  v1::ImpactFigures row;
  row.set_fund_id(fund);
  row.set_region(region);
  *row.mutable_period_start() = from;
  *row.mutable_period_end() = to;
  row.set_entrepreneurs_supported(borrowers);
  row.set_loans_disbursed(loans);
  row.mutable_amount_disbursed()->set_currency_code("CAD");
  row.mutable_amount_disbursed()->set_minor_units(amount);
  row.set_loans_repaid(repaid);
  row.set_loans_written_off(written_off);
  row.mutable_principal_written_off()->set_currency_code("CAD");
  row.mutable_principal_written_off()->set_minor_units(principal_written_off);
  row.mutable_outstanding_principal()->set_currency_code("CAD");
  row.mutable_outstanding_principal()->set_minor_units(outstanding);
  row.mutable_principal_at_risk_30()->set_currency_code("CAD");
  row.mutable_principal_at_risk_30()->set_minor_units(at_risk);
  row.set_businesses_started(1);
  row.set_businesses_kept(1);
  row.set_jobs_created_full_time(2);
  row.set_jobs_created_part_time(1);
  row.set_jobs_kept_full_time(3);
  row.set_jobs_kept_part_time(4);
  RecomputeImpactRatios(row);
  return row;
}

TEST(ImpactFederationRulesTest, RatiosAreRecomputedFromTheSumsNotAveraged) {
  // fund-a: 9 of 10 ended loans repaid (90 %); fund-b: 1 of 2 (50 %).
  // Averaged: 70 %; from the sums: 10 of 12 = 83.33 %.
  v1::ImpactFigures a = Row("fund-a", "", D(2025, 1, 1), D(2025, 12, 31), 20, 30, 3'000'000, 9, 1,
                            100'000, 1'000'000, 100'000);
  v1::ImpactFigures b =
      Row("fund-b", "", D(2025, 1, 1), D(2025, 12, 31), 2, 2, 100'000, 1, 1, 50'000, 0, 0);
  EXPECT_EQ(a.repayment_rate_bps(), 9000);
  EXPECT_EQ(b.repayment_rate_bps(), 5000);
  EXPECT_FALSE(b.has_par30_bps());  // no outstanding principal

  v1::ImpactFigures sum;
  ASSERT_TRUE(AddImpactFigures(a, sum).ok());
  ASSERT_TRUE(AddImpactFigures(b, sum).ok());
  EXPECT_EQ(sum.entrepreneurs_supported(), 22);
  EXPECT_EQ(sum.loans_disbursed(), 32);
  EXPECT_EQ(sum.amount_disbursed().minor_units(), 3'100'000);
  EXPECT_EQ(sum.amount_disbursed().currency_code(), "CAD");
  EXPECT_EQ(sum.loans_repaid(), 10);
  EXPECT_EQ(sum.loans_written_off(), 2);
  EXPECT_EQ(sum.repayment_rate_bps(), 8333);
  // 150,000 / 3,100,000 = 4.84 %, not (3.33 % + 50 %) / 2.
  EXPECT_EQ(sum.principal_written_off().minor_units(), 150'000);
  EXPECT_EQ(sum.write_off_bps(), 484);
  // PAR30 over the summed outstanding principal: 100,000 / 1,000,000.
  EXPECT_EQ(sum.par30_bps(), 1000);
  EXPECT_EQ(sum.businesses_started(), 2);
  EXPECT_EQ(sum.businesses_kept(), 2);
  EXPECT_EQ(sum.jobs_created_full_time(), 4);
  EXPECT_EQ(sum.jobs_created_part_time(), 2);
  EXPECT_EQ(sum.jobs_kept_full_time(), 6);
  EXPECT_EQ(sum.jobs_kept_part_time(), 8);
}

TEST(ImpactFederationRulesTest, AnotherCurrencyIsNotAdded) {
  v1::ImpactFigures sum =
      Row("fund-a", "", D(2025, 1, 1), D(2025, 12, 31), 1, 1, 100, 0, 0, 0, 100, 0);
  v1::ImpactFigures euros = sum;
  euros.mutable_amount_disbursed()->set_currency_code("EUR");
  absl::Status added = AddImpactFigures(euros, sum);
  EXPECT_EQ(added.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(added.message()), HasSubstr("EUR"));
  EXPECT_EQ(sum.loans_disbursed(), 1);  // nothing added
  // An empty row (no currency, nothing lent) adds to any.
  EXPECT_TRUE(AddImpactFigures(v1::ImpactFigures(), sum).ok());
  EXPECT_EQ(sum.amount_disbursed().minor_units(), 100);
}

// A fund-a report of 2025 by quarter: the whole fund, and regions `regions`
// with `borrowers` each (their range totals and one row per quarter).
v1::GetImpactReportResponse Report(const std::vector<std::pair<std::string, int>>& regions) {
  v1::GetImpactReportResponse report;
  *report.mutable_as_of() = D(2026, 1, 10);
  *report.mutable_from_date() = D(2025, 1, 1);
  *report.mutable_to_date() = D(2025, 12, 31);
  report.set_grain(v1::REPORT_GRAIN_QUARTER);
  const std::vector<std::pair<cercles::common::v1::Date, cercles::common::v1::Date>> quarters = {
      {D(2025, 1, 1), D(2025, 3, 31)},
      {D(2025, 4, 1), D(2025, 6, 30)},
      {D(2025, 7, 1), D(2025, 9, 30)},
      {D(2025, 10, 1), D(2025, 12, 31)}};
  int all = 0;
  for (const auto& r : regions) all += r.second;
  std::vector<std::pair<std::string, int>> scopes = {{"", all}};
  scopes.insert(scopes.end(), regions.begin(), regions.end());
  for (const auto& [region, borrowers] : scopes) {
    for (const auto& [from, to] : quarters) {
      *report.add_periods() = Row("fund-a", region, from, to, borrowers, borrowers,
                                  borrowers * 100'000, 0, 0, 0, borrowers * 50'000, 0);
    }
    *report.add_totals() = Row("fund-a", region, D(2025, 1, 1), D(2025, 12, 31), borrowers,
                               borrowers, borrowers * 100'000, 0, 0, 0, borrowers * 50'000, 0);
  }
  for (int businesses : {4, 5}) {
    v1::CohortSurvival& cohort = *report.add_cohorts();
    cohort.set_fund_id("fund-a");
    cohort.set_cohort_year(businesses == 4 ? 2019 : 2020);
    cohort.set_businesses(businesses);
    cohort.set_survived_5_years(businesses - 1);
    cohort.set_survival_5_years_bps(businesses == 4 ? 7500 : 8000);
  }
  return report;
}

TEST(ImpactFederationRulesTest, SmallRegionsAreMergedAndSmallCohortsNotSent) {
  // Montérégie (12) is sent; Estrie (3) and Outaouais (2) only together, as
  // "(other regions)" with 5.
  v1::GetImpactAggregatesResponse sent =
      ImpactAggregatesFor(Report({{"Montérégie", 12}, {"Estrie", 3}, {"Outaouais", 2}}));
  EXPECT_EQ(sent.min_cell(), kImpactMinCell);
  ASSERT_EQ(sent.totals_size(), 3);
  EXPECT_EQ(sent.totals(0).region(), "");
  EXPECT_EQ(sent.totals(0).entrepreneurs_supported(), 17);
  EXPECT_EQ(sent.totals(1).region(), "Montérégie");
  EXPECT_EQ(sent.totals(2).region(), kOtherRegions);
  EXPECT_EQ(sent.totals(2).entrepreneurs_supported(), 5);
  EXPECT_EQ(sent.totals(2).amount_disbursed().minor_units(), 500'000);
  EXPECT_EQ(sent.totals(2).outstanding_principal().minor_units(), 250'000);
  ASSERT_EQ(sent.periods_size(), 12);
  for (int i = 8; i < 12; ++i) {
    EXPECT_EQ(sent.periods(i).region(), kOtherRegions);
    EXPECT_EQ(sent.periods(i).entrepreneurs_supported(), 5);
  }
  EXPECT_EQ(sent.periods(8).period_start().month(), 1);
  EXPECT_EQ(sent.periods(11).period_start().month(), 10);
  // The 2019 cohort (4 businesses) stays home; 2020's (5) is sent.
  ASSERT_EQ(sent.cohorts_size(), 1);
  EXPECT_EQ(sent.cohorts(0).cohort_year(), 2020);
  EXPECT_EQ(sent.cohorts(0).survived_5_years(), 4);
  EXPECT_EQ(sent.from_date().year(), 2025);
  EXPECT_EQ(sent.grain(), v1::REPORT_GRAIN_QUARTER);
}

TEST(ImpactFederationRulesTest, SmallRegionsTooFewTogetherAreDropped) {
  // Estrie (3) and Outaouais (1) make 4: no region row leaves, the fund's
  // own rows still count them.
  v1::GetImpactAggregatesResponse sent =
      ImpactAggregatesFor(Report({{"Montérégie", 6}, {"Estrie", 3}, {"Outaouais", 1}}));
  ASSERT_EQ(sent.totals_size(), 2);
  EXPECT_EQ(sent.totals(0).entrepreneurs_supported(), 10);
  EXPECT_EQ(sent.totals(1).region(), "Montérégie");
  EXPECT_EQ(sent.periods_size(), 8);
  for (const v1::ImpactFigures& row : sent.periods()) EXPECT_NE(row.region(), "Estrie");
  // Nothing small at all: everything is sent as it is.
  EXPECT_EQ(ImpactAggregatesFor(Report({{"Montérégie", 6}, {"Estrie", 5}})).totals_size(), 3);
  // The threshold is the rule's parameter: 1 sends every region.
  EXPECT_EQ(ImpactAggregatesFor(Report({{"Montérégie", 6}, {"Estrie", 1}}), 1).totals_size(), 3);
}

TEST(ImpactFederationRulesTest, OnePeriodAndTheTotalAreMergedApart) {
  // A range of one year by year: each region's period row and total cover the
  // same days, and are merged each with their own kind.
  v1::GetImpactReportResponse report;
  *report.mutable_from_date() = D(2025, 1, 1);
  *report.mutable_to_date() = D(2025, 12, 31);
  report.set_grain(v1::REPORT_GRAIN_YEAR);
  for (const auto& [region, borrowers] :
       std::vector<std::pair<std::string, int>>{{"", 7}, {"Estrie", 3}, {"Outaouais", 4}}) {
    *report.add_periods() = Row("fund-a", region, D(2025, 1, 1), D(2025, 12, 31), borrowers,
                                borrowers, borrowers * 100'000, 0, 0, 0, 0, 0);
    *report.add_totals() = Row("fund-a", region, D(2025, 1, 1), D(2025, 12, 31), borrowers,
                               borrowers, borrowers * 100'000, 0, 0, 0, 0, 0);
  }
  v1::GetImpactAggregatesResponse sent = ImpactAggregatesFor(report);
  ASSERT_EQ(sent.periods_size(), 2);
  ASSERT_EQ(sent.totals_size(), 2);
  EXPECT_EQ(sent.periods(1).region(), kOtherRegions);
  EXPECT_EQ(sent.periods(1).entrepreneurs_supported(), 7);  // 3 + 4, not counted twice
  EXPECT_EQ(sent.totals(1).region(), kOtherRegions);
  EXPECT_EQ(sent.totals(1).entrepreneurs_supported(), 7);
  EXPECT_EQ(sent.totals(1).amount_disbursed().minor_units(), 700'000);
}

TEST(ImpactFederationRulesTest, APeerAnswerIsCheckedBeforeItIsAdded) {
  const v1::GetImpactReportResponse report = Report({});
  v1::GetImpactReportResponse peer_report = Report({});
  for (auto& row : *peer_report.mutable_periods()) row.set_fund_id("fund-b");
  for (auto& row : *peer_report.mutable_totals()) row.set_fund_id("fund-b");
  for (auto& row : *peer_report.mutable_cohorts()) row.set_fund_id("fund-b");
  v1::GetImpactAggregatesResponse answer = ImpactAggregatesFor(peer_report);
  EXPECT_TRUE(CheckPeerImpact("fund-b", report, answer, "CAD").ok());
  // Rows of another fund than the one asked.
  EXPECT_THAT(std::string(CheckPeerImpact("fund-c", report, answer, "CAD").message()),
              HasSubstr("another fund's rows"));
  // Another range.
  v1::GetImpactAggregatesResponse moved = answer;
  *moved.mutable_to_date() = D(2025, 11, 30);
  EXPECT_THAT(std::string(CheckPeerImpact("fund-b", report, moved, "CAD").message()),
              HasSubstr("another range"));
  // Another currency than this fund's.
  EXPECT_FALSE(CheckPeerImpact("fund-b", report, answer, "EUR").ok());
  EXPECT_TRUE(CheckPeerImpact("fund-b", report, answer, "").ok());
  EXPECT_EQ(ImpactCurrency(report), "CAD");
}

TEST(ImpactFederationRulesTest, NetworkRowsAddEveryFundsWholeRows) {
  v1::GetImpactReportResponse report = Report({{"Montérégie", 6}});  // fund-a: 6 borrowers
  v1::GetImpactReportResponse peer = Report({});                     // fund-b: 0 ... below
  for (auto& row : *peer.mutable_periods()) {
    row =
        Row("fund-b", "", row.period_start(), row.period_end(), 2, 2, 200'000, 1, 1, 10'000, 0, 0);
    *report.add_periods() = row;
  }
  for (auto& row : *peer.mutable_totals()) {
    row =
        Row("fund-b", "", row.period_start(), row.period_end(), 3, 3, 300'000, 1, 1, 10'000, 0, 0);
    *report.add_totals() = row;
  }
  v1::CohortSurvival& peer_2020 = *report.add_cohorts();
  peer_2020.set_fund_id("fund-b");
  peer_2020.set_cohort_year(2020);
  peer_2020.set_businesses(10);
  peer_2020.set_survived_5_years(6);
  peer_2020.set_survival_5_years_bps(6000);
  peer_2020.set_survived_1_year(9);
  AddNetworkRows(report);

  ASSERT_EQ(report.network_periods_size(), 4);
  for (const v1::ImpactFigures& row : report.network_periods()) {
    EXPECT_EQ(row.fund_id(), "");
    EXPECT_EQ(row.region(), "");  // the region rows are not added twice
    EXPECT_EQ(row.entrepreneurs_supported(), 6 + 2);
    EXPECT_EQ(row.amount_disbursed().minor_units(), 600'000 + 200'000);
    EXPECT_EQ(row.repayment_rate_bps(), 5000);
  }
  EXPECT_EQ(report.network_periods(3).period_start().month(), 10);
  const v1::ImpactFigures& total = report.network_total();
  EXPECT_EQ(total.period_start().year(), 2025);
  EXPECT_EQ(total.period_end().month(), 12);
  EXPECT_EQ(total.entrepreneurs_supported(), 9);
  EXPECT_EQ(total.loans_disbursed(), 9);
  EXPECT_EQ(total.amount_disbursed().minor_units(), 900'000);
  EXPECT_EQ(total.write_off_bps(), 111);  // 10,000 / 900,000
  EXPECT_EQ(total.outstanding_principal().minor_units(), 300'000);
  EXPECT_EQ(total.par30_bps(), 0);

  // 2019: fund-a's only; 2020: 5 + 10 businesses, 4 + 6 survived 5 years
  // (66.67 %, not the mean of 80 % and 60 %); the 1-year horizon is not
  // set, fund-a's 2020 row has none.
  ASSERT_EQ(report.network_cohorts_size(), 2);
  EXPECT_EQ(report.network_cohorts(0).cohort_year(), 2019);
  EXPECT_EQ(report.network_cohorts(0).businesses(), 4);
  const v1::CohortSurvival& c2020 = report.network_cohorts(1);
  EXPECT_EQ(c2020.fund_id(), "");
  EXPECT_EQ(c2020.businesses(), 15);
  EXPECT_EQ(c2020.survived_5_years(), 10);
  EXPECT_EQ(c2020.survival_5_years_bps(), 6667);
  EXPECT_FALSE(c2020.has_survived_1_year());
  EXPECT_FALSE(c2020.has_survival_1_year_bps());
}

}  // namespace
}  // namespace cercles::network
