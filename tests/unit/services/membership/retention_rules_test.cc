// The rules of the fund's retention schedule (issue 14, item 4): the defaults,
// the bounds of each period (incidents five years at least), the update mask,
// and the day a record becomes past retention (month ends, leap years).
#include "services/membership/retention_rules.h"

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;
using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return mask;
}

TEST(RetentionRulesTest, DefaultsAreTheDocumentedPeriods) {
  const v1::RetentionSchedule schedule = DefaultRetentionSchedule();
  EXPECT_EQ(schedule.people_never_in_circle_months(), 24);
  EXPECT_EQ(schedule.people_left_circles_months(), 84);
  EXPECT_EQ(schedule.meeting_notes_months(), 84);
  EXPECT_EQ(schedule.access_requests_months(), 24);
  EXPECT_EQ(schedule.incidents_months(), 60);
  EXPECT_EQ(RetentionMonths(schedule, v1::RETENTION_KIND_INCIDENTS), 60);
  EXPECT_EQ(RetentionMonths(schedule, v1::RETENTION_KIND_PEOPLE_LEFT_CIRCLES), 84);
  EXPECT_EQ(RetentionKinds().size(), 5u);  // membership's; closed loans are lending's
  EXPECT_EQ(schedule.closed_loans_months(), 84);
  EXPECT_EQ(RetentionMonths(schedule, v1::RETENTION_KIND_CLOSED_LOANS), 84);
}

TEST(RetentionRulesTest, ClosedLoansPeriodHasTheCommonBounds) {
  const v1::RetentionSchedule stored = DefaultRetentionSchedule();
  v1::RetentionSchedule requested;
  requested.set_closed_loans_months(0);
  absl::StatusOr<v1::RetentionSchedule> changed =
      ChangeRetentionSchedule(stored, requested, Mask({"closed_loans_months"}));
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->closed_loans_months(), 0);
  EXPECT_EQ(changed->incidents_months(), 60);
  requested.set_closed_loans_months(1201);
  EXPECT_THAT(
      ChangeRetentionSchedule(stored, requested, Mask({"closed_loans_months"})).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("schedule.closed_loans_months must be 0 to 1200 months, got 1201")));
  requested.set_closed_loans_months(-1);
  EXPECT_THAT(ChangeRetentionSchedule(stored, requested, Mask({"closed_loans_months"})).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("schedule.closed_loans_months must be 0 to 1200 months, got -1")));
}

TEST(RetentionRulesTest, ChangesOnlyTheMaskedPeriods) {
  v1::RetentionSchedule requested;
  requested.set_meeting_notes_months(0);
  requested.set_people_never_in_circle_months(7);  // not in the mask: ignored
  absl::StatusOr<v1::RetentionSchedule> changed = ChangeRetentionSchedule(
      DefaultRetentionSchedule(), requested, Mask({"meeting_notes_months"}));
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->meeting_notes_months(), 0);
  EXPECT_EQ(changed->people_never_in_circle_months(), 24);
  EXPECT_EQ(changed->incidents_months(), 60);
}

TEST(RetentionRulesTest, RefusesPeriodsOutOfBoundsNamingTheField) {
  const v1::RetentionSchedule stored = DefaultRetentionSchedule();
  v1::RetentionSchedule requested;
  requested.set_incidents_months(59);
  EXPECT_THAT(ChangeRetentionSchedule(stored, requested, Mask({"incidents_months"})).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("schedule.incidents_months must be 60 to 1200 months (the "
                                 "incident register is kept five years), got 59")));
  requested.set_incidents_months(60);
  EXPECT_TRUE(ChangeRetentionSchedule(stored, requested, Mask({"incidents_months"})).ok());
  requested.set_people_left_circles_months(-1);
  EXPECT_THAT(
      ChangeRetentionSchedule(stored, requested, Mask({"people_left_circles_months"})).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("schedule.people_left_circles_months must be 0 to 1200 months, got -1")));
  requested.set_access_requests_months(1201);
  EXPECT_THAT(ChangeRetentionSchedule(stored, requested, Mask({"access_requests_months"})).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("schedule.access_requests_months must be 0 to 1200 months, got "
                                 "1201")));
  requested.set_access_requests_months(1200);
  EXPECT_TRUE(ChangeRetentionSchedule(stored, requested, Mask({"access_requests_months"})).ok());
}

TEST(RetentionRulesTest, RefusesAnEmptyOrUnknownMask) {
  const v1::RetentionSchedule stored = DefaultRetentionSchedule();
  EXPECT_THAT(ChangeRetentionSchedule(stored, stored, Mask({})).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("update_mask must list the periods to change")));
  EXPECT_THAT(ChangeRetentionSchedule(stored, stored, Mask({"update_principal"})).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("update_mask path \"update_principal\" is not a period of the "
                                 "schedule")));
}

TEST(RetentionRulesTest, PastRetentionFromTheEndDayOn) {
  const absl::CivilDay start(2019, 3, 15);
  EXPECT_EQ(RetentionEnd(start, 84), absl::CivilDay(2026, 3, 15));
  EXPECT_FALSE(PastRetention(start, 84, absl::CivilDay(2026, 3, 14)));  // the day before
  EXPECT_TRUE(PastRetention(start, 84, absl::CivilDay(2026, 3, 15)));   // exactly at the end
  EXPECT_TRUE(PastRetention(start, 84, absl::CivilDay(2026, 3, 16)));
  // 0 months: past retention the day its purpose ended.
  EXPECT_TRUE(PastRetention(start, 0, start));
  EXPECT_FALSE(PastRetention(start, 0, start - 1));
}

TEST(RetentionRulesTest, MonthEndsAndLeapYears) {
  EXPECT_EQ(RetentionEnd(absl::CivilDay(2024, 1, 31), 1), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(RetentionEnd(absl::CivilDay(2023, 1, 31), 1), absl::CivilDay(2023, 2, 28));
  EXPECT_EQ(RetentionEnd(absl::CivilDay(2020, 2, 29), 12), absl::CivilDay(2021, 2, 28));
  EXPECT_EQ(RetentionEnd(absl::CivilDay(2020, 2, 29), 48), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(RetentionEnd(absl::CivilDay(2026, 8, 31), 1), absl::CivilDay(2026, 9, 30));
}

TEST(RetentionRulesTest, LatestExpiredStartIsTheInverse) {
  // 2024-02-29 is one month after every day from 01-29 to 01-31.
  EXPECT_EQ(LatestExpiredStart(absl::CivilDay(2024, 2, 29), 1), absl::CivilDay(2024, 1, 31));
  EXPECT_EQ(LatestExpiredStart(absl::CivilDay(2024, 2, 28), 1), absl::CivilDay(2024, 1, 28));
  EXPECT_EQ(LatestExpiredStart(absl::CivilDay(2023, 2, 28), 1), absl::CivilDay(2023, 1, 31));
  EXPECT_EQ(LatestExpiredStart(absl::CivilDay(2026, 12, 7), 84), absl::CivilDay(2019, 12, 7));
  EXPECT_EQ(LatestExpiredStart(absl::CivilDay(2026, 12, 7), 0), absl::CivilDay(2026, 12, 7));
  // Every start up to the latest is past retention, the next day is not.
  for (absl::CivilDay today(2023, 12, 1); today < absl::CivilDay(2025, 3, 1); ++today) {
    for (int months : {0, 1, 12, 13, 60}) {
      const absl::CivilDay latest = LatestExpiredStart(today, months);
      EXPECT_TRUE(PastRetention(latest, months, today)) << today << " " << months;
      EXPECT_FALSE(PastRetention(latest + 1, months, today)) << today << " " << months;
    }
  }
}

}  // namespace
}  // namespace cercles::membership
