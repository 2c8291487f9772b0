// How the events of membership and lending become network's store (inside the
// subscriber's transaction, each event once). Events network does not use are
// ignored; an unreadable payload is DATA_LOSS (the subscriber retries from its
// cursor rather than skipping it).
#ifndef CERCLES_SERVICES_NETWORK_EVENT_PROJECTION_H_
#define CERCLES_SERVICES_NETWORK_EVENT_PROJECTION_H_

#include "absl/status/status.h"
#include "cercles/common/v1/event.pb.h"
#include "common/storage/database.h"
#include "services/network/directory_store.h"
#include "services/network/loan_store.h"
#include "services/network/outcome_store.h"
#include "services/network/people_store.h"

namespace cercles::network {

class EventProjection {
 public:
  // Circles (summaries, lineage, derived edges), people and their circle,
  // advisors, the business outcomes of meetings (MeetingRecorded).
  absl::Status ApplyMembershipEvent(storage::Transaction& tx,
                                    const cercles::common::v1::Event& event) const;
  // Loans (LoanChanged; RESCHEDULED ones also counted per loan).
  absl::Status ApplyLendingEvent(storage::Transaction& tx,
                                 const cercles::common::v1::Event& event) const;

 private:
  absl::Status ApplyCircle(storage::Transaction& tx, const cercles::membership::v1::Circle& circle,
                           const cercles::common::v1::Event& event) const;

  DirectoryStore directory_;
  PeopleStore people_;
  LoanStore loans_;
  OutcomeStore outcomes_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_EVENT_PROJECTION_H_
