// SQL of the circles report (issue 15, item 5): what BuildCirclesReport
// (circles_report_rules.h) takes, in six queries whatever the number of
// circles and months (nothing per circle or per month). Runs in the caller's
// transaction.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CIRCLES_REPORT_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_CIRCLES_REPORT_STORE_H_

#include "absl/status/statusor.h"
#include "common/api/date.h"
#include "common/storage/database.h"
#include "services/membership/circles_report_rules.h"

namespace cercles::membership {

// Every circle of the fund with its status changes and members up to the end
// of range.to (UTC), its meetings and attendance entries of the range by
// month, and its last meeting on or before range.to.
absl::StatusOr<CirclesReportData> ReadCirclesReportData(storage::Transaction& tx,
                                                        const api::ReportRange& range);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CIRCLES_REPORT_STORE_H_
