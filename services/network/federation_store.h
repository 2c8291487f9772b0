// SQL of the federation: the peer-fund registry, member transfers, this fund's
// directory as a stream of changes (for peers), and the removal of a revoked
// peer's circles from this fund's directory.
#ifndef CERCLES_SERVICES_NETWORK_FEDERATION_STORE_H_
#define CERCLES_SERVICES_NETWORK_FEDERATION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/network/v1/federation.pb.h"
#include "common/redaction/erasure.h"
#include "common/storage/database.h"
#include "services/network/graph_store.h"

namespace cercles::network {

// Federation's tables (its own migration component, after MigrateNetwork).
absl::Status MigrateFederation(storage::Database& db);

// Filters of ListMemberTransfers.
struct TransferFilter {
  v1::TransferDirection direction = v1::TRANSFER_DIRECTION_UNSPECIFIED;
  v1::TransferStatus status = v1::TRANSFER_STATUS_UNSPECIFIED;
  std::string peer_fund_id;
};

class FederationStore {
 public:
  // ---- Peers ----
  absl::StatusOr<std::optional<v1::PeerFund>> GetPeer(storage::Transaction& tx,
                                                      const std::string& fund_id) const;
  // The active peer whose certificate has this common name.
  absl::StatusOr<std::optional<v1::PeerFund>> ActivePeerByCommonName(
      storage::Transaction& tx, const std::string& common_name) const;
  // Inserts or replaces the peer's record.
  absl::Status PutPeer(storage::Transaction& tx, const v1::PeerFund& peer, absl::Time now) const;
  // Peers after `after_fund_id` in fund order, optionally of one status.
  absl::StatusOr<std::vector<v1::PeerFund>> ListPeers(storage::Transaction& tx,
                                                      const std::string& after_fund_id,
                                                      v1::PeerFundStatus status, int limit) const;
  // Fills peer->sync from the peer's event cursor and this directory.
  absl::Status FillSyncState(storage::Transaction& tx, v1::PeerFund* peer) const;

  // The fund -> fund federation edge.
  absl::Status PutFederationEdge(storage::Transaction& tx, const std::string& own_fund_id,
                                 const std::string& peer_fund_id) const;
  // Removes the federation edge, the peer's circles (with their
  // characteristics and the edges their summaries implied) and the cursor of
  // its directory stream, so that a later registration follows it afresh.
  absl::Status ForgetPeerDirectory(storage::Transaction& tx, const std::string& own_fund_id,
                                   const std::string& peer_fund_id) const;

  // ---- This fund's directory, for peers ----
  // The circles of `fund_id` whose last change is after `after_sequence`,
  // grouped by that sequence, for at most `max_sequences` sequences.
  absl::StatusOr<std::vector<v1::WatchDirectoryResponse>> DirectoryChanges(
      storage::Transaction& tx, const std::string& fund_id, int64_t after_sequence,
      int max_sequences) const;
  // The sequence of the latest change of `fund_id`'s circles (0 if none).
  absl::StatusOr<int64_t> DirectoryHead(storage::Transaction& tx, const std::string& fund_id) const;

  // ---- Transfers ----
  // Records a new transfer (its name and create time are set here).
  absl::StatusOr<v1::MemberTransfer> InsertTransfer(storage::Transaction& tx,
                                                    v1::MemberTransfer transfer,
                                                    absl::Time now) const;
  absl::Status UpdateTransfer(storage::Transaction& tx, int64_t transfer_id,
                              const v1::MemberTransfer& transfer, absl::Time now) const;
  absl::StatusOr<std::optional<v1::MemberTransfer>> GetTransfer(storage::Transaction& tx,
                                                                int64_t transfer_id) const;
  // Outgoing transfers whose person no longer shares with other funds (as
  // membership's events last said, network_people) and whose peer was not yet
  // told, by id, at most `limit`.
  absl::StatusOr<std::vector<int64_t>> ConsentWithdrawnTransfers(storage::Transaction& tx,
                                                                 const std::string& own_fund_id,
                                                                 int limit) const;
  // Records that the peer cleared the transfer's person.
  absl::Status MarkConsentWithdrawn(storage::Transaction& tx, int64_t transfer_id) const;
  // The person's erasure: the outgoing transfers of this fund's person
  // `person_id` lose their candidate (what was sent to the peer); the count
  // of transfers changed.
  absl::StatusOr<int> ClearCandidatesOf(storage::Transaction& tx, int64_t person_id,
                                        absl::Time now) const;
  absl::StatusOr<std::vector<v1::MemberTransfer>> ListTransfers(storage::Transaction& tx,
                                                                const TransferFilter& filter,
                                                                int64_t after_id, int limit) const;

 private:
  GraphStore graph_;
};

// What a transfer's person leaves in stored messages once erased (this fund's
// person) or once their consent to share with other funds is withdrawn (a
// peer's person: named by `records`, the transfer's names): the candidate, cleared
// whole wherever it concerns them (redaction::ErasePersonFrom).
redaction::PersonErasure TransferCandidateErasure(int64_t person_id,
                                                  std::vector<std::string> records);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_FEDERATION_STORE_H_
