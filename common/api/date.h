// cercles.common.v1.Date ↔ absl::CivilDay, and the "YYYY-MM-DD" text form.
#ifndef CERCLES_COMMON_API_DATE_H_
#define CERCLES_COMMON_API_DATE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "cercles/common/v1/date.pb.h"

namespace cercles::api {

// The rule a date breaks, after the field's name.
inline constexpr absl::string_view kRealDayRule =
    "must be a real calendar day (year 1 to 9999, month 1 to 12, day of that month)";

// A date of years 1 to 9999 that exists in the calendar (no 2023-02-29), or
// INVALID_ARGUMENT "<field> <kRealDayRule>, got 2023-02-29".
absl::StatusOr<absl::CivilDay> DayFromDate(const cercles::common::v1::Date& date,
                                           absl::string_view field);
cercles::common::v1::Date DateFromDay(absl::CivilDay day);

// An unset date message (all zero), for optional dates.
bool IsUnset(const cercles::common::v1::Date& date);

// A report's range: two required days, from_date <= to_date < from_date + max_years years.
struct ReportRange {
  absl::CivilDay from, to;
};
// The range of a report request, or INVALID_ARGUMENT naming the field and its rule:
// "from_date"/"to_date" required (set and not all zero), real days, to_date on or
// after from_date and before from_date + `max_years` years.
absl::StatusOr<ReportRange> CheckReportRange(const cercles::common::v1::Date* from_date,
                                             const cercles::common::v1::Date* to_date,
                                             int max_years);

// `day` moved by `months` (negative: back), on the same day of the month or
// that month's last day when it is shorter (2024-01-31 + 1 = 2024-02-29): a
// loan's monthly due dates, a retention period's end.
absl::CivilDay AddMonthsClamped(absl::CivilDay day, int32_t months);

// "2024-03-09"
std::string FormatDate(const cercles::common::v1::Date& date);
// "YYYY-MM-DD" of a real calendar day; nullopt for anything else.
std::optional<cercles::common::v1::Date> ParseDate(absl::string_view text);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_DATE_H_
