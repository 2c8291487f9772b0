// The run-time side of the federation: which peer certificates are accepted
// (pushed to the Authenticator at start, after every registry change and
// periodically, so other replicas' changes arrive too), the directory streams of
// the peers this fund follows (one durable, resumable subscriber per peer, over
// mTLS with this fund's federation certificate) and the outcome of the
// transfers this fund proposed to peers.
#ifndef CERCLES_SERVICES_NETWORK_PEER_SYNC_H_
#define CERCLES_SERVICES_NETWORK_PEER_SYNC_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cercles/common/v1/event.pb.h"
#include "cercles/network/v1/federation.grpc.pb.h"
#include "common/auth/auth.h"
#include "common/events/watch.h"
#include "common/observability/metrics.h"
#include "common/server/server.h"
#include "common/util/periodic.h"
#include "services/network/context.h"
#include "services/network/directory_store.h"
#include "services/network/federation_store.h"

namespace cercles::network {

struct PeerSyncOptions {
  // This fund's identity towards peers (cert, key) and the CA bundle their
  // servers' certificates must chain to. Without a certificate no peer is
  // followed (peers can still call in).
  server::TlsFiles identity;
  // How often the registry is re-read and proposed transfers' outcomes asked for.
  absl::Duration refresh = absl::Seconds(1);
  // Deadline of each unary call to a peer.
  absl::Duration call_timeout = absl::Seconds(10);
};

class PeerSync {
 public:
  PeerSync(const NetworkContext& context, auth::Authenticator* authenticator,
           PeerSyncOptions options, observability::Registry* metrics);
  ~PeerSync();

  // Applies the registry once (its error is returned), then keeps it applied.
  absl::Status Start();
  void Stop();

  // Reads the registry: pushes the active peers' certificate names to the
  // Authenticator and starts or stops following their directories.
  absl::Status Reconcile() ABSL_LOCKS_EXCLUDED(reconcile_mu_, mu_);

  // Changes whenever a peer's directory change is applied here (part of the
  // cache generation: the sum of the peers' durable cursors).
  int64_t Generation() const ABSL_LOCKS_EXCLUDED(mu_);

  // The active peers, by fund id.
  absl::StatusOr<std::vector<v1::PeerFund>> ActivePeers() const;
  // A stub to call an active peer with an address, as this fund: the one its
  // directory is followed with when there is one, else a new channel.
  absl::StatusOr<std::shared_ptr<v1::FederationService::Stub>> Dial(const v1::PeerFund& peer) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // A call context with the peer-call deadline.
  std::unique_ptr<grpc::ClientContext> CallContext() const;

  // Asks peers for the outcome of the transfers this fund proposed and still
  // sees as PROPOSED; records the decisions.
  void PollOutgoingTransfers();
  // Tells peers to clear the person of the transfers this fund proposed when
  // that person no longer shares with other funds (as membership's events
  // last said); records each peer's answer.
  void WithdrawConsentAtPeers();

 private:
  struct Follower {
    std::string address;
    std::string server_name;
    std::shared_ptr<v1::FederationService::Stub> stub;
    std::unique_ptr<events::EventSubscriber> subscriber;  // last: stopped first
  };

  absl::Status ApplyDirectoryChange(storage::Transaction& tx, const std::string& peer_fund_id,
                                    const cercles::common::v1::Event& event) const;
  absl::StatusOr<std::unique_ptr<Follower>> Follow(const v1::PeerFund& peer);
  absl::StatusOr<std::shared_ptr<v1::FederationService::Stub>> NewStub(
      const v1::PeerFund& peer) const;
  // The transfers whose peer is active, with their peers.
  absl::StatusOr<std::vector<std::pair<v1::MemberTransfer, v1::PeerFund>>> WithPeers(
      storage::Transaction& tx, std::vector<v1::MemberTransfer> transfers) const;
  // Outgoing transfers still PROPOSED, with their peers.
  absl::StatusOr<std::vector<std::pair<v1::MemberTransfer, v1::PeerFund>>> PendingTransfers() const;
  // Outgoing transfers whose person withdrew their consent, peer not told yet.
  absl::StatusOr<std::vector<std::pair<v1::MemberTransfer, v1::PeerFund>>>
  ConsentWithdrawnTransfers() const;
  absl::Status RecordOutcome(const v1::MemberTransfer& outgoing, const v1::MemberTransfer& remote);
  // Changes an outgoing transfer in one transaction: `change` edits the stored
  // transfer and returns the change kind of its MemberTransferChanged event
  // ("" when nothing changes: no update, no event).
  using OutgoingChange = std::function<absl::StatusOr<std::string>(
      storage::Transaction& tx, v1::MemberTransfer& stored, int64_t id)>;
  absl::Status UpdateOutgoing(const v1::MemberTransfer& outgoing, const OutgoingChange& change);

  const NetworkContext context_;
  auth::Authenticator* authenticator_;
  const PeerSyncOptions options_;
  observability::Registry* metrics_;
  FederationStore store_;
  DirectoryStore directory_;

  absl::Mutex reconcile_mu_;  // one Reconcile at a time
  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Follower>> followers_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  util::Periodic refresher_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_PEER_SYNC_H_
