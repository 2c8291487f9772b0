#include "common/api/date.h"
#include "common/api/money.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::api {
namespace {

using cercles::common::v1::Date;
using cercles::common::v1::Money;

Date MakeDate(int year, int month, int day) {
  Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(DateTest, RealCalendarDaysOnly) {
  EXPECT_EQ(*DayFromDate(MakeDate(2024, 2, 29), "d"), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(DayFromDate(MakeDate(2023, 2, 29), "as_of").status().message(),
            "as_of must be a real calendar day (year 1 to 9999, month 1 to 12, day of that month), "
            "got 2023-02-29");
  for (const Date& bad : {MakeDate(0, 1, 1), MakeDate(10000, 1, 1), MakeDate(2024, 13, 1),
                          MakeDate(2024, 4, 31), MakeDate(2024, 1, 0), Date()}) {
    EXPECT_EQ(DayFromDate(bad, "d").status().code(), absl::StatusCode::kInvalidArgument)
        << FormatDate(bad);
  }
  EXPECT_TRUE(IsUnset(Date()));
  EXPECT_FALSE(IsUnset(MakeDate(2024, 1, 1)));
}

TEST(DateTest, RoundTripsThroughCivilDayAndText) {
  const Date date = DateFromDay(absl::CivilDay(2024, 3, 9));
  EXPECT_EQ(FormatDate(date), "2024-03-09");
  std::optional<Date> parsed = ParseDate("2024-03-09");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*DayFromDate(*parsed, "d"), absl::CivilDay(2024, 3, 9));
  for (const char* bad : {"2024-3-09", "2024-02-30", "2024/03/09", "20240309", "2024-03-09 ", ""}) {
    EXPECT_EQ(ParseDate(bad), std::nullopt) << bad;
  }
}

TEST(MoneyTest, MinorUnitsOfTheFundsCurrencyOnly) {
  EXPECT_EQ(*MinorUnits(ToMoney(1250, "CAD"), "CAD", "amount"), 1250);
  EXPECT_EQ(*MinorUnits(ToMoney(-5, ""), "CAD", "amount"), -5);  // the sign is the caller's rule
  EXPECT_EQ(MinorUnits(ToMoney(1, "EUR"), "CAD", "amount").status().message(),
            "amount must be in the fund's currency CAD, got \"EUR\"");
  const Money money = ToMoney(7, "CAD");
  EXPECT_EQ(money.currency_code(), "CAD");
  EXPECT_EQ(money.minor_units(), 7);
  EXPECT_TRUE(IsCurrencyCode("CAD"));
  for (const char* bad : {"", "cad", "CA", "CADX", "C4D"}) EXPECT_FALSE(IsCurrencyCode(bad)) << bad;
}

}  // namespace
}  // namespace cercles::api
