#include "common/api/display.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace cercles::api {
namespace {

constexpr std::array<const char*, 12> kMonthsFr = {"janvier",   "février", "mars",     "avril",
                                                   "mai",       "juin",    "juillet",  "août",
                                                   "septembre", "octobre", "novembre", "décembre"};
constexpr std::array<const char*, 12> kMonthsEn = {"January",   "February", "March",    "April",
                                                   "May",       "June",     "July",     "August",
                                                   "September", "October",  "November", "December"};

// |value| without overflow (INT64_MIN included).
uint64_t Magnitude(int64_t value) {
  return value < 0 ? static_cast<uint64_t>(-(value + 1)) + 1 : static_cast<uint64_t>(value);
}

// The digits of `value` grouped by three with `separator`: 1234567 ->
// "1<sep>234<sep>567".
std::string Grouped(uint64_t value, absl::string_view separator) {
  const std::string digits = absl::StrCat(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.append(separator.data(), separator.size());
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string FormatAmount(DisplayLanguage language, int64_t minor_units) {
  const uint64_t magnitude = Magnitude(minor_units);
  const bool fr = language == DisplayLanguage::kFr;
  return absl::StrCat(minor_units < 0 ? "-" : "", Grouped(magnitude / 100, fr ? " " : ","),
                      fr ? "," : ".", magnitude % 100 < 10 ? "0" : "", magnitude % 100);
}

std::string FormatDecimal(int64_t minor_units) {
  const uint64_t magnitude = Magnitude(minor_units);
  return absl::StrCat(minor_units < 0 ? "-" : "", magnitude / 100, ".",
                      magnitude % 100 < 10 ? "0" : "", magnitude % 100);
}

std::string FormatMoney(DisplayLanguage language, int64_t minor_units, absl::string_view currency) {
  const std::string number = FormatAmount(language, minor_units);
  const bool dollars = currency.empty() || currency == "CAD";
  if (language == DisplayLanguage::kFr) return absl::StrCat(number, " ", dollars ? "$" : currency);
  if (!dollars) return absl::StrCat(number, " ", currency);
  // "$" goes between the sign and the digits: "-$12.34".
  return minor_units < 0 ? absl::StrCat("-$", number.substr(1)) : absl::StrCat("$", number);
}

std::string FormatPercent(DisplayLanguage language, std::optional<int32_t> bps) {
  if (!bps.has_value()) return "—";
  const bool french = language == DisplayLanguage::kFr;
  // One decimal, rounded half away from zero: 1250 bps is 12.5 %.
  const int64_t tenths = (static_cast<int64_t>(*bps) * 10 + (*bps >= 0 ? 50 : -50)) / 100;
  const uint64_t magnitude = Magnitude(tenths);
  std::string number = absl::StrCat(tenths < 0 ? "-" : "", magnitude / 10);
  if (magnitude % 10 != 0) absl::StrAppend(&number, french ? "," : ".", magnitude % 10);
  return french ? absl::StrCat(number, " %") : absl::StrCat(number, "%");
}

std::string FormatCount(DisplayLanguage language, int64_t count) {
  return absl::StrCat(count < 0 ? "-" : "",
                      Grouped(Magnitude(count), language == DisplayLanguage::kFr ? " " : ","));
}

std::string FormatLongDate(DisplayLanguage language, const cercles::common::v1::Date& date) {
  if (date.month() < 1 || date.month() > 12) return absl::StrCat(date.year());
  if (language == DisplayLanguage::kFr) {
    return absl::StrCat(date.day() == 1 ? "1er" : absl::StrCat(date.day()), " ",
                        kMonthsFr[date.month() - 1], " ", date.year());
  }
  return absl::StrCat(kMonthsEn[date.month() - 1], " ", date.day(), ", ", date.year());
}

}  // namespace cercles::api
