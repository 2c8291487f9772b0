// How the events of membership and lending become network's store (inside the
// subscriber's transaction, each event once). Events network does not use are
// ignored; an unreadable payload is DATA_LOSS (the subscriber retries from its
// cursor rather than skipping it).
#ifndef CERCLES_SERVICES_NETWORK_EVENT_PROJECTION_H_
#define CERCLES_SERVICES_NETWORK_EVENT_PROJECTION_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cercles/common/v1/event.pb.h"
#include "common/storage/database.h"
#include "services/network/directory_store.h"
#include "services/network/federation_store.h"
#include "services/network/loan_store.h"
#include "services/network/outcome_store.h"
#include "services/network/partner_store.h"
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

  // PersonErased applied so far by this process (the runtime drops the cache
  // and reclaims the files after the commit of one: NetworkRuntime).
  int64_t erasures_applied() const { return erasures_applied_.load(); }

  // The tables PersonErased rewrites rows of (for Database::ReclaimDeleted).
  static const std::vector<std::string>& ErasureTables();

 private:
  absl::Status ApplyCircle(storage::Transaction& tx, const cercles::membership::v1::Circle& circle,
                           const cercles::common::v1::Event& event) const;
  // PersonErased: the person's referrals, the candidates of the transfers
  // proposed for them to peer funds (as stored, in earlier events and in
  // stored answers), and network's earlier events and stored answers lose
  // what they hold of the person; their directory copy was
  // already replaced by the PersonUpdated (pseudonym, no consent, no
  // expertise) membership appends just before, which also tells the peer funds
  // that received the person to clear them (federation's consent withdrawal).
  absl::Status ApplyPersonErased(storage::Transaction& tx, const std::string& person) const;

  DirectoryStore directory_;
  PeopleStore people_;
  LoanStore loans_;
  OutcomeStore outcomes_;
  PartnerStore partners_;
  FederationStore federation_;
  mutable std::atomic<int64_t> erasures_applied_{0};
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_EVENT_PROJECTION_H_
