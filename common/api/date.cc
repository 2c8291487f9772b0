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

}  // namespace cercles::api
