// SQL for what the network keeps of loans (from lending's LoanChanged events:
// state, circle, outstanding principal, oldest unpaid due date; never the
// borrower's plan) and the per-region figures the statistics are built from.
#ifndef CERCLES_SERVICES_NETWORK_LOAN_STORE_H_
#define CERCLES_SERVICES_NETWORK_LOAN_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "common/storage/database.h"
#include "services/network/impact_rules.h"
#include "services/network/outcome_store.h"
#include "services/network/stats_rules.h"

namespace cercles::network {

class LoanStore {
 public:
  // Records the loan as the event carries it (after the change): a RESCHEDULED
  // event adds one to the loan's approved reschedules, a WRITTEN_OFF event
  // keeps its amount as the principal written off.
  absl::Status Upsert(storage::Transaction& tx, const std::string& fund_id,
                      const cercles::lending::v1::LoanChanged& changed, int64_t sequence) const;

  // Figures per (fund, region of the circle), for one fund or all (empty),
  // with days past due counted to `as_of`; the business outcomes' figures
  // (OutcomeStore) come with them, so that every statistic reads one list.
  absl::StatusOr<std::vector<RegionFigures>> Figures(storage::Transaction& tx,
                                                     const std::string& fund_id,
                                                     absl::CivilDay as_of) const;

  // The disbursed loans of one fund or all (empty), for the impact report,
  // with the region of their circle.
  absl::StatusOr<std::vector<ImpactLoan>> ImpactLoans(storage::Transaction& tx,
                                                      const std::string& fund_id) const;

 private:
  OutcomeStore outcomes_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_LOAN_STORE_H_
