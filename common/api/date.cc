#include "common/api/date.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/error_details.h"

namespace cercles::api {

using cercles::common::v1::Date;

absl::StatusOr<absl::CivilDay> DayFromDate(const Date& date, absl::string_view field) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return InvalidField(field, absl::StrCat(kRealDayRule, ", got ", FormatDate(date)),
                        reason::kFieldInvalidFormat);
  }
  return day;
}

Date DateFromDay(absl::CivilDay day) {
  Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

bool IsUnset(const Date& date) { return date.year() == 0 && date.month() == 0 && date.day() == 0; }

absl::StatusOr<ReportRange> CheckReportRange(const Date* from_date, const Date* to_date,
                                             int max_years) {
  if (from_date == nullptr || IsUnset(*from_date)) {
    return InvalidField("from_date", "is required", reason::kFieldRequired);
  }
  if (to_date == nullptr || IsUnset(*to_date)) {
    return InvalidField("to_date", "is required", reason::kFieldRequired);
  }
  absl::StatusOr<absl::CivilDay> from = DayFromDate(*from_date, "from_date");
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> to = DayFromDate(*to_date, "to_date");
  if (!to.ok()) return to.status();
  if (*to < *from) {
    return InvalidField(
        "to_date",
        absl::StrCat("must be on or after from_date (", absl::FormatCivilTime(*from), "), got ",
                     absl::FormatCivilTime(*to)),
        reason::kValueOutOfRange);
  }
  const absl::CivilDay limit(from->year() + max_years, from->month(), from->day());
  if (*to >= limit) {
    return InvalidField(
        "to_date",
        absl::StrCat("must be less than ", max_years, " years after from_date (before ",
                     absl::FormatCivilTime(limit), "), got ", absl::FormatCivilTime(*to)),
        reason::kValueOutOfRange);
  }
  return ReportRange{*from, *to};
}

std::string FormatDate(const Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::optional<Date> ParseDate(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t i = 0; i < lengths[p]; ++i) {
      const char c = text[starts[p] + i];
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  Date date;
  date.set_year(parts[0]);
  date.set_month(parts[1]);
  date.set_day(parts[2]);
  if (!DayFromDate(date, "date").ok()) return std::nullopt;
  return date;
}

absl::CivilDay AddMonthsClamped(absl::CivilDay day, int32_t months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return absl::CivilDay(month.year(), month.month(),
                        day.day() < last.day() ? day.day() : last.day());
}

}  // namespace cercles::api
