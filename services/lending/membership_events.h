// Lending's view of membership, kept from membership's event stream (exactly
// once: EventSubscriber commits each event's effect with a durable cursor in
// lending's database):
//   AdvisorCreated              -> advisors (name -> staff principal), to scope
//                                  advisors to their circles' loans;
//   CircleCreated/CircleUpdated -> circles.advisor, and the advisor of the
//                                  circle's open requests and active loans;
//   CirclesMerged               -> open requests and active loans of the merged
//                                  circles move to the resulting circle
//                                  (original_circle kept), one LoanChanged
//                                  "CIRCLE_CHANGED" each;
//   CircleMemberRemoved         -> an active loan and its guarantee stay as they
//                                  are (the original guarantors answer for it);
//                                  an open request of the person who left is
//                                  WITHDRAWN (see below);
//   CircleUpdated to DISSOLVED  -> its open requests are WITHDRAWN;
//   PersonErased                -> the person's free text is cleared
//                                  (person_erasure.h).
//
// Why withdraw an open request whose applicant left: nothing has been lent yet,
// and the request stands on the circle's analysis and guarantee, which are those
// of a circle the person no longer belongs to; the one-open-request rule would
// otherwise also keep them from asking through their new circle. The request is
// closed with the reason recorded, and they may submit again.
#ifndef CERCLES_SERVICES_LENDING_MEMBERSHIP_EVENTS_H_
#define CERCLES_SERVICES_LENDING_MEMBERSHIP_EVENTS_H_

#include <grpcpp/channel.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "cercles/common/v1/event.pb.h"
#include "common/events/watch.h"
#include "common/observability/metrics.h"
#include "common/storage/database.h"
#include "common/util/clock.h"

namespace cercles::lending {

// The subscriber's cursor table (event_cursors) in lending's database.
absl::Status MigrateMembershipEvents(storage::Database& db);

class MembershipEventApplier {
 public:
  MembershipEventApplier(std::string fund_id, const Clock* clock)
      : fund_id_(std::move(fund_id)), clock_(clock) {}

  // Applies one membership event inside the subscriber's transaction; events
  // lending does not use change nothing. DATA_LOSS for an unreadable payload.
  absl::Status Apply(storage::Transaction& tx, const cercles::common::v1::Event& event) const;

  // PersonErased applied so far by this process: after the commit of one,
  // main reclaims the files (Database::ReclaimDeleted).
  int64_t erasures_applied() const { return erasures_applied_.load(); }

 private:
  std::string fund_id_;
  const Clock* clock_;
  mutable std::atomic<int64_t> erasures_applied_{0};
};

// A subscriber to membership's WatchEvents over `channel`, applying with
// `applier` (which must outlive it). Start() it after the migrations.
std::unique_ptr<events::EventSubscriber> NewMembershipSubscriber(
    std::shared_ptr<grpc::Channel> channel, storage::Database* db,
    const MembershipEventApplier* applier, observability::Registry* metrics);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_MEMBERSHIP_EVENTS_H_
