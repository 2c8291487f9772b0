// The arithmetic of a retention period (cercles.membership.v1.RetentionSchedule):
// a record is past retention from the day its purpose ended plus a whole
// number of months on. One rule for every service that purges: membership's
// PurgeExpiredRecords and lending's PurgeExpiredLoanRecords.
#ifndef CERCLES_COMMON_API_RETENTION_H_
#define CERCLES_COMMON_API_RETENTION_H_

#include <cstdint>

#include "absl/time/civil_time.h"

namespace cercles::api {

// The first day a record whose purpose ended on `start` is past a period of
// `months`: the same day of the month `months` later, or that month's last
// day when it is shorter (2024-01-31 + 1 = 2024-02-29, 2023-01-31 + 1 =
// 2023-02-28).
absl::CivilDay RetentionEnd(absl::CivilDay start, int32_t months);

// The latest start day past retention as of `today`: a record is past
// retention when its start is this day or before (the inverse of
// RetentionEnd: RetentionEnd(start) <= today).
absl::CivilDay LatestExpiredStart(absl::CivilDay today, int32_t months);

// Whether a record whose purpose ended on `start` is past `months` on `today`.
bool PastRetention(absl::CivilDay start, int32_t months, absl::CivilDay today);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_RETENTION_H_
