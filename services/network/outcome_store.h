// Business outcomes as membership's MeetingRecorded events carry them (issue
// 15, item 4), kept per (meeting, person) inside the subscriber's transaction,
// and their figures per (fund, region) for NetworkStats. Owns
// network_business_outcomes; reads network_circles for the regions.
#ifndef CERCLES_SERVICES_NETWORK_OUTCOME_STORE_H_
#define CERCLES_SERVICES_NETWORK_OUTCOME_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "common/storage/database.h"
#include "services/network/impact_rules.h"
#include "services/network/stats_rules.h"

namespace cercles::network {

class OutcomeStore {
 public:
  // Keeps the event's outcomes (none: nothing). An outcome already kept for
  // the same meeting and person is left as it is.
  absl::Status Record(storage::Transaction& tx, const std::string& fund_id,
                      const cercles::membership::v1::MeetingRecorded& meeting,
                      int64_t sequence) const;

  // The outcomes kept for one fund or all (empty), with their circle's region.
  absl::StatusOr<std::vector<OutcomeRow>> Rows(storage::Transaction& tx,
                                               const std::string& fund_id) const;

  // OutcomeFigures of one fund or all (empty).
  absl::StatusOr<std::vector<RegionFigures>> Figures(storage::Transaction& tx,
                                                     const std::string& fund_id) const;
};

// The impact report of one fund or all (empty) over `range`, from the loans
// and outcomes network keeps, read in one transaction: GetImpactReport's, and
// the rows a peer fund is answered (GetImpactAggregates).
absl::StatusOr<v1::GetImpactReportResponse> ReadImpactReport(storage::Database& db,
                                                             const ImpactRange& range,
                                                             const std::string& fund_id);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_OUTCOME_STORE_H_
