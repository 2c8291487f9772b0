#include "common/api/retention.h"

#include "common/api/date.h"

namespace cercles::api {

absl::CivilDay RetentionEnd(absl::CivilDay start, int32_t months) {
  return AddMonthsClamped(start, months);
}

bool PastRetention(absl::CivilDay start, int32_t months, absl::CivilDay today) {
  return RetentionEnd(start, months) <= today;
}

absl::CivilDay LatestExpiredStart(absl::CivilDay today, int32_t months) {
  // Month ends make RetentionEnd many-to-one (01-29..01-31 + 1 month all end
  // on 02-29 in 2024): step forward from the plain inverse while still past.
  absl::CivilDay latest = AddMonthsClamped(today, -months);
  while (PastRetention(latest + 1, months, today)) ++latest;
  return latest;
}

}  // namespace cercles::api
