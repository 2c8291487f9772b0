#include "services/membership/circles_report_rules.h"

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "common/api/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using cercles::common::v1::Date;
using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;
using Data = CirclesReportData;

Date MakeDate(int year, int month, int day) {
  return api::DateFromDay(absl::CivilDay(year, month, day));
}

int64_t Micros(absl::CivilSecond when) {
  return absl::ToUnixMicros(absl::FromCivil(when, absl::UTCTimeZone()));
}

// March to May 2024, as of 2024-05-20.
api::ReportRange Range() { return {absl::CivilDay(2024, 3, 10), absl::CivilDay(2024, 5, 20)}; }

Data Fund() {
  Data data;
  data.circles = {
      {1, "Les Bâtisseuses", 7}, {2, "Alpha", std::nullopt}, {3, "Zeta", 8}, {4, "Later", 7}};
  data.status_changes = {
      {1, Micros(absl::CivilSecond(2024, 1, 5, 9, 0, 0)), v1::CIRCLE_STATUS_FORMING},
      {1, Micros(absl::CivilSecond(2024, 2, 1, 9, 0, 0)), v1::CIRCLE_STATUS_ACTIVE},
      {2, Micros(absl::CivilSecond(2024, 3, 1, 9, 0, 0)), v1::CIRCLE_STATUS_FORMING},
      {3, Micros(absl::CivilSecond(2023, 6, 1, 9, 0, 0)), v1::CIRCLE_STATUS_FORMING},
      {3, Micros(absl::CivilSecond(2023, 7, 1, 9, 0, 0)), v1::CIRCLE_STATUS_ACTIVE},
      {3, Micros(absl::CivilSecond(2024, 4, 30, 23, 0, 0)), v1::CIRCLE_STATUS_SUSPENDED},
      // Circle 4 was created after to_date: the store leaves its rows out, so it has none.
  };
  data.member_counts = {{1, 5}, {3, 4}};
  // Circle 1 met in March and May (a member joined in May: 6 entries), not in April.
  data.months = {{1, absl::CivilMonth(2024, 3), 2, 10, 9},
                 {1, absl::CivilMonth(2024, 5), 1, 6, 5},
                 {3, absl::CivilMonth(2024, 3), 1, 4, 1}};
  data.last_meetings = {{1, absl::CivilDay(2024, 5, 20)}, {3, absl::CivilDay(2024, 3, 15)}};
  return data;
}

TEST(CirclesReportRulesTest, CountsCirclesByStatusAtTheEndOfTheRange) {
  v1::GetCirclesReportResponse report = BuildCirclesReport(Range(), Fund(), std::nullopt);
  ASSERT_EQ(report.by_status_size(), 3);
  EXPECT_EQ(report.by_status(0).status(), v1::CIRCLE_STATUS_FORMING);
  EXPECT_EQ(report.by_status(0).circle_count(), 1);
  EXPECT_EQ(report.by_status(1).status(), v1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(report.by_status(1).circle_count(), 1);
  EXPECT_EQ(report.by_status(2).status(), v1::CIRCLE_STATUS_SUSPENDED);
  EXPECT_EQ(report.by_status(2).circle_count(), 1);
  EXPECT_EQ(report.total_circle_count(), 3);
}

TEST(CirclesReportRulesTest, RowsByNameWithAttendanceAndDaysSinceTheLastMeeting) {
  v1::GetCirclesReportResponse report = BuildCirclesReport(Range(), Fund(), std::nullopt);
  ASSERT_EQ(report.circles_size(), 3);
  const v1::CircleReportRow& alpha = report.circles(0);
  EXPECT_EQ(alpha.circle(), "circles/2");
  EXPECT_EQ(alpha.advisor(), "");
  EXPECT_EQ(alpha.member_count(), 0);
  EXPECT_EQ(alpha.meetings_held(), 0);
  EXPECT_FALSE(alpha.has_attendance_rate_bps());
  EXPECT_FALSE(alpha.has_days_since_last_meeting());
  const v1::CircleReportRow& batisseuses = report.circles(1);
  EXPECT_EQ(batisseuses.display_name(), "Les Bâtisseuses");
  EXPECT_EQ(batisseuses.status(), v1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(batisseuses.advisor(), "advisors/7");
  EXPECT_EQ(batisseuses.member_count(), 5);
  EXPECT_EQ(batisseuses.meetings_held(), 3);
  EXPECT_EQ(batisseuses.attendance_expected(), 16);
  EXPECT_EQ(batisseuses.attendance_attended(), 14);
  EXPECT_EQ(batisseuses.attendance_rate_bps(), 8750);
  EXPECT_EQ(batisseuses.days_since_last_meeting(), 0);
  const v1::CircleReportRow& zeta = report.circles(2);
  EXPECT_EQ(zeta.status(), v1::CIRCLE_STATUS_SUSPENDED);
  EXPECT_EQ(zeta.attendance_rate_bps(), 2500);
  EXPECT_EQ(zeta.days_since_last_meeting(), 66);  // 2024-03-15 to 2024-05-20
}

TEST(CirclesReportRulesTest, EveryMonthOfTheRangeClippedEvenWithoutMeetings) {
  v1::GetCirclesReportResponse report = BuildCirclesReport(Range(), Fund(), std::nullopt);
  ASSERT_EQ(report.months_size(), 3);
  EXPECT_EQ(api::FormatDate(report.months(0).month_start()), "2024-03-10");
  EXPECT_EQ(api::FormatDate(report.months(0).month_end()), "2024-03-31");
  EXPECT_EQ(report.months(0).meetings_held(), 3);
  EXPECT_EQ(report.months(0).attendance_expected(), 14);
  EXPECT_EQ(report.months(0).attendance_rate_bps(), 7143);  // 10 / 14, rounded half up
  EXPECT_EQ(api::FormatDate(report.months(1).month_start()), "2024-04-01");
  EXPECT_EQ(api::FormatDate(report.months(1).month_end()), "2024-04-30");
  EXPECT_EQ(report.months(1).meetings_held(), 0);
  EXPECT_FALSE(report.months(1).has_attendance_rate_bps());
  EXPECT_EQ(api::FormatDate(report.months(2).month_end()), "2024-05-20");
  EXPECT_EQ(report.months(2).attendance_rate_bps(), 8333);  // 5 / 6
}

TEST(CirclesReportRulesTest, AnAdvisorSeesOnlyTheirCircles) {
  v1::GetCirclesReportResponse report =
      BuildCirclesReport(Range(), Fund(), std::vector<int64_t>{1, 4});
  ASSERT_EQ(report.circles_size(), 1);
  EXPECT_EQ(report.circles(0).circle(), "circles/1");
  ASSERT_EQ(report.by_status_size(), 1);
  EXPECT_EQ(report.by_status(0).status(), v1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(report.months(0).meetings_held(), 2);
  EXPECT_EQ(report.total_circle_count(), 1);

  v1::GetCirclesReportResponse none = BuildCirclesReport(Range(), Fund(), std::vector<int64_t>{});
  EXPECT_EQ(none.circles_size(), 0);
  EXPECT_EQ(none.by_status_size(), 0);
  EXPECT_EQ(none.months_size(), 3);
  EXPECT_EQ(none.months(2).meetings_held(), 0);
}

TEST(CirclesReportRulesTest, RowsAreCappedButCountedAndTheMonthsCountEveryCircle) {
  Data data;
  for (int64_t id = 1; id <= kMaxCirclesReportRows + 5; ++id) {
    data.circles.push_back({id, "Circle", std::nullopt});
    data.status_changes.push_back({id, 0, v1::CIRCLE_STATUS_ACTIVE});
    data.months.push_back({id, absl::CivilMonth(2024, 4), 1, 1, 1});
  }
  v1::GetCirclesReportResponse report = BuildCirclesReport(Range(), data, std::nullopt);
  EXPECT_EQ(report.circles_size(), kMaxCirclesReportRows);
  EXPECT_EQ(report.total_circle_count(), kMaxCirclesReportRows + 5);
  EXPECT_EQ(report.circles(0).circle(), "circles/1");  // same name: by id
  EXPECT_EQ(report.months(1).meetings_held(), kMaxCirclesReportRows + 5);
}

TEST(CirclesReportRulesTest, RequestRangeRules) {
  v1::GetCirclesReportRequest request;
  EXPECT_THAT(CheckCirclesReportRequest(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("from_date is required")));
  *request.mutable_from_date() = MakeDate(2024, 3, 10);
  EXPECT_THAT(CheckCirclesReportRequest(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("to_date is required")));
  request.mutable_to_date()->set_year(2024);  // 2024-02-30, field by field
  request.mutable_to_date()->set_month(2);
  request.mutable_to_date()->set_day(30);
  EXPECT_THAT(CheckCirclesReportRequest(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("to_date must be a real")));
  *request.mutable_to_date() = MakeDate(2024, 3, 9);
  EXPECT_THAT(CheckCirclesReportRequest(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("to_date must be on or after from_date (2024-03-10)")));
  *request.mutable_to_date() = MakeDate(2054, 3, 10);
  EXPECT_THAT(CheckCirclesReportRequest(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("less than 30 years")));
  *request.mutable_to_date() = MakeDate(2054, 3, 9);
  ASSERT_TRUE(CheckCirclesReportRequest(request).ok());
  EXPECT_EQ(CheckCirclesReportRequest(request)->to, absl::CivilDay(2054, 3, 9));
}

}  // namespace
}  // namespace cercles::membership
