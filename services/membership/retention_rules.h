// The fund's retention schedule (Law 25: personal data is destroyed once its
// purpose is served, under a published schedule; issue 14, item 4): its
// defaults, its bounds, and when a record is past retention. Pure functions
// over the protobuf messages (no gRPC, no SQL).
//
// Why these defaults: seven years after a person's last departure, a meeting
// or a loan's close, as Canadian financial record-keeping keeps a loan's records six
// years after the year it closed; two years for people never placed in a
// circle and for access requests answered; five years for incidents, the
// register's minimum under the law.
#ifndef CERCLES_SERVICES_MEMBERSHIP_RETENTION_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_RETENTION_RULES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/retention.pb.h"
#include "common/api/retention.h"
#include "google/protobuf/field_mask.pb.h"

namespace cercles::membership {

// Bounds of every period, in months; incidents have their own minimum.
inline constexpr int32_t kMaxRetentionMonths = 1200;
inline constexpr int32_t kMinIncidentRetentionMonths = 60;

// The schedule in force while no admin changed it.
cercles::membership::v1::RetentionSchedule DefaultRetentionSchedule();

// `stored` with the periods of `requested` named by `mask` (paths: the
// *_months fields): INVALID_ARGUMENT naming "update_mask" for an empty mask or
// an unknown or output-only path, or "schedule.<field>" for a period out of
// its bounds. update_principal and update_time are left as in `stored`.
absl::StatusOr<cercles::membership::v1::RetentionSchedule> ChangeRetentionSchedule(
    const cercles::membership::v1::RetentionSchedule& stored,
    const cercles::membership::v1::RetentionSchedule& requested,
    const google::protobuf::FieldMask& mask);

// The kinds membership's purge covers, in enum order (closed loans are
// lending's: PurgeExpiredLoanRecords), and each kind's period in the schedule
// (closed loans' included).
const std::vector<cercles::membership::v1::RetentionKind>& RetentionKinds();
int32_t RetentionMonths(const cercles::membership::v1::RetentionSchedule& schedule,
                        cercles::membership::v1::RetentionKind kind);

// The period arithmetic, shared with lending's purge (common/api/retention.h).
using api::LatestExpiredStart;
using api::PastRetention;
using api::RetentionEnd;

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_RETENTION_RULES_H_
