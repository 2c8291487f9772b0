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

// A Money field beside the deprecated int64 twin it replaces.
TEST(MoneyTest, EitherShapeOfAnAmountOrBothEqual) {
  const Money given = ToMoney(1500, "");
  EXPECT_EQ(*MinorUnitsEither(&given, 0, "CAD", "settings.x", "settings.x_minor_units"), 1500);
  EXPECT_EQ(*MinorUnitsEither(nullptr, 1500, "CAD", "settings.x", "settings.x_minor_units"), 1500);
  EXPECT_EQ(*MinorUnitsEither(&given, 1500, "CAD", "settings.x", "settings.x_minor_units"), 1500);
  EXPECT_EQ(*MinorUnitsEither(nullptr, 0, "CAD", "settings.x", "settings.x_minor_units"), 0);
  absl::StatusOr<int64_t> disagree =
      MinorUnitsEither(&given, 1499, "CAD", "settings.x", "settings.x_minor_units");
  EXPECT_EQ(disagree.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(disagree.status().message(),
            "settings.x.minor_units (1500) and settings.x_minor_units (1499) disagree: set one of "
            "them, or both to the same amount");
  const Money euros = ToMoney(1500, "EUR");
  EXPECT_EQ(MinorUnitsEither(&euros, 1500, "CAD", "settings.x", "settings.x_minor_units")
                .status()
                .message(),
            "settings.x must be in the fund's currency CAD, got \"EUR\"");
  // Reading: the Money when set (zero included), else the twin (older messages).
  EXPECT_EQ(MinorUnitsOr(&given, 7), 1500);
  const Money zero = ToMoney(0, "CAD");
  EXPECT_EQ(MinorUnitsOr(&zero, 7), 0);
  EXPECT_EQ(MinorUnitsOr(nullptr, 7), 7);
}

TEST(MoneyTest, EitherShapeOfARepeatedAmount) {
  google::protobuf::RepeatedPtrField<Money> money;
  *money.Add() = ToMoney(100, "CAD");
  *money.Add() = ToMoney(200, "");
  google::protobuf::RepeatedField<int64_t> legacy;
  const google::protobuf::RepeatedPtrField<Money> none;
  EXPECT_THAT(*MinorUnitsEither(money, legacy, "CAD", "ladder", "ladder_minor_units"),
              ::testing::ElementsAre(100, 200));
  legacy.Add(100);
  legacy.Add(200);
  EXPECT_THAT(*MinorUnitsEither(none, legacy, "CAD", "ladder", "ladder_minor_units"),
              ::testing::ElementsAre(100, 200));
  EXPECT_THAT(*MinorUnitsEither(money, legacy, "CAD", "ladder", "ladder_minor_units"),
              ::testing::ElementsAre(100, 200));
  legacy.Add(300);
  EXPECT_EQ(
      MinorUnitsEither(money, legacy, "CAD", "ladder", "ladder_minor_units").status().message(),
      "ladder (100, 200) and ladder_minor_units (100, 200, 300) disagree: set one of them, "
      "or both to the same amounts");
  money.Mutable(1)->set_currency_code("USD");
  EXPECT_EQ(
      MinorUnitsEither(money, legacy, "CAD", "ladder", "ladder_minor_units").status().message(),
      "ladder[1] must be in the fund's currency CAD, got \"USD\"");
}

}  // namespace
}  // namespace cercles::api
