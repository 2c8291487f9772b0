// Network's statistics rules: days past due and PAR30, basis points, the fund
// and region rows, and the business outcomes' figures (issue 15, item 4).
#include "services/network/stats_rules.h"

#include "common/api/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::network {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(StatsRulesTest, DaysPastDueAndPar30Boundary) {
  const absl::CivilDay as_of(2026, 3, 31);
  EXPECT_EQ(DaysPastDue(std::nullopt, as_of), 0);
  EXPECT_EQ(DaysPastDue(as_of, as_of), 0);  // due today is not late yet
  EXPECT_EQ(DaysPastDue(as_of + 3, as_of), 0);
  EXPECT_EQ(DaysPastDue(as_of - 30, as_of), 30);
  // PAR30 counts more than 30 days: due on Mar 1 is 30 days late (not at
  // risk), due on Feb 28 is 31 (at risk).
  EXPECT_EQ(Par30LastDueDay(as_of), absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(DaysPastDue(Par30LastDueDay(as_of), as_of), 31);
  EXPECT_EQ(FromEpochDay(EpochDay(as_of)), as_of);
  EXPECT_EQ(EpochDay(absl::CivilDay(1970, 1, 2)), 1);
}

TEST(StatsRulesTest, DatesAreChecked) {
  cercles::common::v1::Date d;
  d.set_year(2026);
  d.set_month(2);
  d.set_day(29);
  EXPECT_THAT(api::DayFromDate(d, "as_of").status().message(), HasSubstr("as_of must be a real"));
  d.set_day(28);
  EXPECT_EQ(*api::DayFromDate(d, "as_of"), absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(api::DateFromDay(absl::CivilDay(2026, 2, 28)).day(), 28);
}

TEST(StatsRulesTest, BasisPointsRoundHalfUpAndNeedAWhole) {
  EXPECT_EQ(BasisPoints(1, 3), 3333);
  EXPECT_EQ(BasisPoints(2, 3), 6667);
  EXPECT_EQ(BasisPoints(1, 20000), 1);  // 0.5 bp rounds up
  EXPECT_EQ(BasisPoints(0, 5), 0);
  EXPECT_FALSE(BasisPoints(1, 0).has_value());
  EXPECT_EQ(BasisPoints(int64_t{2} << 60, int64_t{4} << 60), 5000);  // no overflow
}

TEST(StatsRulesTest, FundRowsSumTheirRegions) {
  RegionFigures a{"fund-a", "Rosemont", 3, 2, 15, 4, 3, 1, "CAD", 100000, 25000};
  RegionFigures b{"fund-a", "rosemont", 1, 1, 5, 1, 0, 0, "CAD", 50000, 0};  // same region
  RegionFigures c{"fund-a", "", 2, 0, 8, 0, 0, 0, "", 0, 0};
  RegionFigures d{"fund-b", "Laval", 1, 1, 6, 0, 0, 0, "", 0, 0};
  StatsTables t = BuildStats({a, b, c, d}, /*by_region=*/true);
  ASSERT_EQ(t.funds.size(), 2u);
  const v1::NetworkStats& fa = t.funds[0];
  EXPECT_EQ(fa.fund_id(), "fund-a");
  EXPECT_EQ(fa.region(), "");
  EXPECT_EQ(fa.circles(), 6);
  EXPECT_EQ(fa.members(), 28);
  EXPECT_EQ(fa.active_loans(), 5);
  EXPECT_EQ(fa.outstanding_principal().minor_units(), 150000);
  EXPECT_EQ(fa.outstanding_principal().currency_code(), "CAD");
  EXPECT_EQ(fa.par30_bps(), 1667);
  EXPECT_EQ(fa.repayment_rate_bps(), 7500);
  EXPECT_FALSE(t.funds[1].has_par30_bps());
  EXPECT_FALSE(t.funds[1].has_repayment_rate_bps());
  ASSERT_EQ(t.regions.size(), 3u);
  EXPECT_EQ(t.regions[0].region(), kNoRegion);
  EXPECT_EQ(t.regions[1].region(), "Rosemont");
  EXPECT_EQ(t.regions[1].circles(), 4);
  EXPECT_EQ(t.regions[2].fund_id(), "fund-b");
  EXPECT_THAT(BuildStats({a}, false).regions, IsEmpty());
}

OutcomeRow Outcome(const std::string& fund, const std::string& region, int64_t person,
                   const std::string& day, int64_t meeting, int event) {
  OutcomeRow row;
  row.fund_id = fund;
  row.region = region;
  row.person_id = person;
  row.meeting_day = day;
  row.meeting_id = meeting;
  row.event = event;
  return row;
}

TEST(StatsRulesTest, OutcomesCountEachEntrepreneurOnceByTheirLatestOutcome) {
  constexpr int kStarted = 1, kClosed = 2;  // cercles.membership.v1.BusinessEvent
  std::vector<OutcomeRow> rows;
  // Person 1: started, then 3 full-time jobs later; kept.
  rows.push_back(Outcome("fund-a", "Rosemont", 1, "2024-01-10", 1, kStarted));
  rows.back().jobs_created = OutcomeJobs{1, 0};
  rows.push_back(Outcome("fund-a", "Rosemont", 1, "2024-03-10", 5, 0));
  rows.back().jobs_created = OutcomeJobs{3, 1};
  rows.back().jobs_kept = OutcomeJobs{0, 2};
  // Person 2: started then closed (rows given out of order); no jobs said.
  rows.push_back(Outcome("fund-a", "rosemont", 2, "2024-05-01", 9, kClosed));
  rows.push_back(Outcome("fund-a", "Rosemont", 2, "2024-02-01", 3, kStarted));
  // Person 3: an outcome without an event, in a circle without a region.
  rows.push_back(Outcome("fund-a", "", 3, "2024-02-01", 4, 0));
  // Person 1 of another fund is another entrepreneur; moved to Laval last.
  rows.push_back(Outcome("fund-b", "Montréal", 1, "2024-01-01", 2, kStarted));
  rows.push_back(Outcome("fund-b", "Laval", 1, "2024-04-01", 7, 0));
  StatsTables t = BuildStats(OutcomeFigures(rows), /*by_region=*/true);
  ASSERT_EQ(t.funds.size(), 2u);
  const v1::NetworkStats& a = t.funds[0];
  EXPECT_EQ(a.entrepreneurs_with_outcome(), 3);
  EXPECT_EQ(a.businesses_started(), 2);
  EXPECT_EQ(a.businesses_closed(), 1);
  EXPECT_EQ(a.businesses_kept(), 1);
  EXPECT_EQ(a.jobs_created_full_time(), 3);  // the latest count, not 1 + 3
  EXPECT_EQ(a.jobs_created_part_time(), 1);
  EXPECT_EQ(a.jobs_kept_full_time(), 0);
  EXPECT_EQ(a.jobs_kept_part_time(), 2);
  ASSERT_EQ(t.regions.size(), 3u);
  EXPECT_EQ(t.regions[0].region(), kNoRegion);
  EXPECT_EQ(t.regions[0].entrepreneurs_with_outcome(), 1);
  EXPECT_EQ(t.regions[1].entrepreneurs_with_outcome(), 2);  // Rosemont, either spelling
  EXPECT_EQ(t.regions[2].fund_id(), "fund-b");
  EXPECT_EQ(t.regions[2].region(), "Laval");
  EXPECT_EQ(t.regions[2].businesses_kept(), 1);
  EXPECT_THAT(OutcomeFigures({}), IsEmpty());
}

}  // namespace
}  // namespace cercles::network
