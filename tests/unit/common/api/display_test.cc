// How a person reads amounts, percentages, counts and days (common/api/display.h),
// in French (Canada) and English.
#include "common/api/display.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace cercles::api {
namespace {

constexpr DisplayLanguage kFr = DisplayLanguage::kFr;
constexpr DisplayLanguage kEn = DisplayLanguage::kEn;

cercles::common::v1::Date Day(int year, int month, int day) {
  cercles::common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(DisplayTest, MoneyAsEachLanguageWritesIt) {
  EXPECT_EQ(FormatMoney(kFr, 628691), "6 286,91 $");
  EXPECT_EQ(FormatMoney(kEn, 628691), "$6,286.91");
  EXPECT_EQ(FormatMoney(kFr, 5), "0,05 $");
  EXPECT_EQ(FormatMoney(kFr, 100000000), "1 000 000,00 $");
  EXPECT_EQ(FormatMoney(kEn, 99999), "$999.99");
  EXPECT_EQ(FormatMoney(kEn, -1050), "-$10.50");
  EXPECT_EQ(FormatMoney(kFr, -1050), "-10,50 $");
  EXPECT_EQ(FormatMoney(kFr, 0, ""), "0,00 $");
  EXPECT_EQ(FormatMoney(kFr, 123456, "EUR"), "1 234,56 EUR");
  EXPECT_EQ(FormatMoney(kEn, 123456, "EUR"), "1,234.56 EUR");
}

TEST(DisplayTest, AnAmountAloneAndAsMachinesWriteIt) {
  EXPECT_EQ(FormatAmount(kFr, 628691), "6 286,91");
  EXPECT_EQ(FormatAmount(kEn, 628691), "6,286.91");
  EXPECT_EQ(FormatAmount(kEn, -1234), "-12.34");
  EXPECT_EQ(FormatDecimal(628691), "6286.91");
  EXPECT_EQ(FormatDecimal(-5), "-0.05");
  EXPECT_EQ(FormatDecimal(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
}

TEST(DisplayTest, EveryAmountIsExactAtTheEndsOfItsRange) {
  EXPECT_EQ(FormatMoney(kEn, std::numeric_limits<int64_t>::max()), "$92,233,720,368,547,758.07");
  EXPECT_EQ(FormatMoney(kEn, std::numeric_limits<int64_t>::min()), "-$92,233,720,368,547,758.08");
  EXPECT_EQ(FormatCount(kFr, std::numeric_limits<int64_t>::min()), "-9 223 372 036 854 775 808");
}

TEST(DisplayTest, PercentagesHaveOneDecimalAtMost) {
  EXPECT_EQ(FormatPercent(kFr, 1250), "12,5 %");
  EXPECT_EQ(FormatPercent(kEn, 1250), "12.5%");
  EXPECT_EQ(FormatPercent(kFr, 10000), "100 %");
  EXPECT_EQ(FormatPercent(kEn, 6667), "66.7%");
  EXPECT_EQ(FormatPercent(kEn, 1), "0%");
  EXPECT_EQ(FormatPercent(kEn, 5), "0.1%");
  EXPECT_EQ(FormatPercent(kEn, -1250), "-12.5%");
  EXPECT_EQ(FormatPercent(kFr, std::nullopt), "—");
}

TEST(DisplayTest, CountsAreGroupedByThousands) {
  EXPECT_EQ(FormatCount(kFr, 10000), "10 000");
  EXPECT_EQ(FormatCount(kEn, 10000), "10,000");
  EXPECT_EQ(FormatCount(kEn, 999), "999");
  EXPECT_EQ(FormatCount(kEn, -1234), "-1,234");
}

TEST(DisplayTest, DaysAsEachLanguageWritesThem) {
  EXPECT_EQ(FormatLongDate(kFr, Day(2026, 3, 1)), "1er mars 2026");
  EXPECT_EQ(FormatLongDate(kFr, Day(2026, 12, 7)), "7 décembre 2026");
  EXPECT_EQ(FormatLongDate(kEn, Day(2026, 12, 7)), "December 7, 2026");
  EXPECT_EQ(FormatLongDate(kEn, Day(2026, 0, 0)), "2026");
}

}  // namespace
}  // namespace cercles::api
