#include "services/network/peer_sync.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/network/v1/federation.pb.h"
#include "common/api/closed_set.h"
#include "common/api/resource_name.h"
#include "common/events/outbox.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/log.h"
#include "common/util/status.h"
#include "services/network/federation_rules.h"

namespace cercles::network {
namespace {

constexpr int kPeersPerRead = 500;
constexpr int kTransfersPerPoll = 100;

// A peer's WatchDirectory stream as a stream of events, so the shared
// EventSubscriber (durable cursor, exactly-once apply, backoff) follows it.
class DirectoryEventStream : public events::EventStream {
 public:
  explicit DirectoryEventStream(
      std::unique_ptr<grpc::ClientReader<v1::WatchDirectoryResponse>> reader)
      : reader_(std::move(reader)) {}
  bool Next(cercles::common::v1::Event* event) override {
    if (!reader_->Read(&response_)) return false;
    event->Clear();
    event->set_sequence(response_.sequence());
    event->set_fund_id(response_.fund_id());
    event->set_type(v1::WatchDirectoryResponse::descriptor()->full_name());
    event->mutable_payload()->PackFrom(response_);
    return true;
  }
  grpc::Status Finish() override { return reader_->Finish(); }

 private:
  std::unique_ptr<grpc::ClientReader<v1::WatchDirectoryResponse>> reader_;
  v1::WatchDirectoryResponse response_;
};

}  // namespace

PeerSync::PeerSync(const NetworkContext& context, auth::Authenticator* authenticator,
                   PeerSyncOptions options, observability::Registry* metrics)
    : context_(context),
      authenticator_(authenticator),
      options_(std::move(options)),
      metrics_(metrics) {}

PeerSync::~PeerSync() { Stop(); }

absl::Status PeerSync::Start() {
  CERCLES_RETURN_IF_ERROR(Reconcile());
  refresher_.Start(options_.refresh, [this] {
    if (absl::Status status = Reconcile(); !status.ok()) {
      log::Warning("cannot apply the peer-fund registry",
                   {{"error", std::string(status.message())}});
    }
    PollOutgoingTransfers();
    WithdrawConsentAtPeers();
  });
  return absl::OkStatus();
}

void PeerSync::Stop() {
  std::map<std::string, std::unique_ptr<Follower>> followers;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    followers.swap(followers_);
  }
  refresher_.Stop();
  for (auto& [fund, follower] : followers) follower->subscriber->Stop();
}

absl::StatusOr<std::vector<v1::PeerFund>> PeerSync::ActivePeers() const {
  std::vector<v1::PeerFund> active;
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
  std::string after;
  while (true) {
    CERCLES_ASSIGN_OR_RETURN(
        std::vector<v1::PeerFund> page,
        store_.ListPeers(*tx, after, v1::PEER_FUND_STATUS_ACTIVE, kPeersPerRead));
    for (v1::PeerFund& p : page) active.push_back(std::move(p));
    if (static_cast<int>(page.size()) < kPeersPerRead) break;
    after = active.back().fund_id();
  }
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  return active;
}

absl::Status PeerSync::Reconcile() {
  absl::MutexLock reconcile(&reconcile_mu_);
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::PeerFund> active, ActivePeers());
  std::map<std::string, std::string> pins;
  for (const v1::PeerFund& p : active) pins[p.certificate_common_name()] = p.certificate_sha256();
  // Before any stream starts or stops: a revoked peer's next call is refused.
  authenticator_->SetPeerFunds(std::move(pins));

  std::map<std::string, const v1::PeerFund*> wanted;
  if (!options_.identity.cert.empty()) {
    for (const v1::PeerFund& p : active) {
      if (!p.address().empty()) wanted[p.fund_id()] = &p;
    }
  }
  std::vector<std::unique_ptr<Follower>> to_stop;
  std::vector<const v1::PeerFund*> to_start;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::OkStatus();
    for (auto it = followers_.begin(); it != followers_.end();) {
      auto want = wanted.find(it->first);
      if (want == wanted.end() || want->second->address() != it->second->address ||
          PeerServerName(*want->second) != it->second->server_name) {
        to_stop.push_back(std::move(it->second));
        it = followers_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [fund, peer] : wanted) {
      if (followers_.count(fund) == 0) to_start.push_back(peer);
    }
  }
  for (auto& follower : to_stop) follower->subscriber->Stop();
  for (const v1::PeerFund* peer : to_start) {
    absl::StatusOr<std::unique_ptr<Follower>> follower = Follow(*peer);
    if (!follower.ok()) {
      log::Warning(
          "cannot follow a peer fund's directory",
          {{"peer", peer->fund_id()}, {"error", std::string(follower.status().message())}});
      continue;
    }
    (*follower)->subscriber->Start();  // reads its cursor: not under mu_
    bool stopped = false;
    {
      absl::MutexLock lock(&mu_);
      stopped = stopping_;
      if (!stopped) followers_[peer->fund_id()] = *std::move(follower);
    }
    if (stopped) {
      (*follower)->subscriber->Stop();
      return absl::OkStatus();
    }
    log::Info("following a peer fund's directory",
              {{"peer", peer->fund_id()}, {"address", peer->address()}});
  }
  return absl::OkStatus();
}

int64_t PeerSync::Generation() const {
  absl::MutexLock lock(&mu_);
  int64_t sum = 0;
  for (const auto& [fund, follower] : followers_) sum += follower->subscriber->cursor();
  return sum;
}

absl::StatusOr<std::shared_ptr<v1::FederationService::Stub>> PeerSync::Dial(
    const v1::PeerFund& peer) const {
  {
    absl::MutexLock lock(&mu_);
    auto it = followers_.find(peer.fund_id());
    if (it != followers_.end() && it->second->address == peer.address() &&
        it->second->server_name == PeerServerName(peer)) {
      return it->second->stub;
    }
  }
  return NewStub(peer);
}

absl::StatusOr<std::shared_ptr<v1::FederationService::Stub>> PeerSync::NewStub(
    const v1::PeerFund& peer) const {
  if (options_.identity.cert.empty()) {
    return absl::FailedPreconditionError(
        "this fund has no federation certificate (--federation_cert): it cannot call peers");
  }
  if (peer.address().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(peer.name(), " has no address: this fund cannot call it"));
  }
  server::ChannelOptions options;
  options.address = peer.address();
  options.tls = options_.identity;
  options.server_name_override = PeerServerName(peer);
  options.metrics = metrics_;  // grpc_client_* of the calls to peer funds
  CERCLES_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, server::MakeChannel(options));
  return std::shared_ptr<v1::FederationService::Stub>(v1::FederationService::NewStub(channel));
}

std::unique_ptr<grpc::ClientContext> PeerSync::CallContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  return context;
}

absl::StatusOr<std::unique_ptr<PeerSync::Follower>> PeerSync::Follow(const v1::PeerFund& peer) {
  auto follower = std::make_unique<Follower>();
  follower->address = peer.address();
  follower->server_name = PeerServerName(peer);
  CERCLES_ASSIGN_OR_RETURN(follower->stub, NewStub(peer));
  v1::FederationService::Stub* stub = follower->stub.get();
  const std::string fund = peer.fund_id();
  follower->subscriber = std::make_unique<events::EventSubscriber>(
      PeerCursorSource(fund), context_.db,
      [stub](grpc::ClientContext* call, int64_t after) -> std::unique_ptr<events::EventStream> {
        v1::WatchDirectoryRequest request;
        request.set_after_sequence(after);
        return std::make_unique<DirectoryEventStream>(stub->WatchDirectory(call, request));
      },
      [this, fund](storage::Transaction& tx, const cercles::common::v1::Event& event) {
        return ApplyDirectoryChange(tx, fund, event);
      },
      metrics_);
  return follower;
}

absl::Status PeerSync::ApplyDirectoryChange(storage::Transaction& tx,
                                            const std::string& peer_fund_id,
                                            const cercles::common::v1::Event& event) const {
  // Revocation takes the same cursor lock: once it committed, nothing more of
  // this peer is applied (the error rolls the change back).
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::PeerFund> peer, store_.GetPeer(tx, peer_fund_id));
  if (!peer.has_value() || peer->status() != v1::PEER_FUND_STATUS_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("peer \"", peer_fund_id, "\" is no longer registered: change not applied"));
  }
  v1::WatchDirectoryResponse change;
  if (!event.payload().UnpackTo(&change)) {
    return absl::DataLossError(
        absl::StrCat("peer \"", peer_fund_id, "\" sent an unreadable directory change"));
  }
  for (v1::NetworkCircle& circle : *change.mutable_circles()) {
    CERCLES_ASSIGN_OR_RETURN(CircleKey key, CheckPeerCircle(&circle, peer_fund_id));
    CERCLES_RETURN_IF_ERROR(directory_.Upsert(tx, key, circle, change.sequence()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<v1::MemberTransfer, v1::PeerFund>>> PeerSync::WithPeers(
    storage::Transaction& tx, std::vector<v1::MemberTransfer> transfers) const {
  std::vector<std::pair<v1::MemberTransfer, v1::PeerFund>> out;
  for (v1::MemberTransfer& t : transfers) {
    CERCLES_ASSIGN_OR_RETURN(std::optional<v1::PeerFund> peer,
                             store_.GetPeer(tx, t.peer_fund_id()));
    // A revoked peer is not asked any more; its answer would not be trusted.
    if (!peer.has_value() || peer->status() != v1::PEER_FUND_STATUS_ACTIVE) continue;
    out.emplace_back(std::move(t), *std::move(peer));
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<v1::MemberTransfer, v1::PeerFund>>>
PeerSync::PendingTransfers() const {
  TransferFilter filter;
  filter.direction = v1::TRANSFER_DIRECTION_OUTGOING;
  filter.status = v1::TRANSFER_STATUS_PROPOSED;
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::MemberTransfer> transfers,
                           store_.ListTransfers(*tx, filter, 0, kTransfersPerPoll));
  CERCLES_ASSIGN_OR_RETURN(auto pending, WithPeers(*tx, std::move(transfers)));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  return pending;
}

void PeerSync::PollOutgoingTransfers() {
  auto pending = PendingTransfers();
  if (!pending.ok()) {
    log::Warning("cannot read the transfers proposed to peers",
                 {{"error", std::string(pending.status().message())}});
    return;
  }
  for (const auto& [transfer, peer] : *pending) {
    auto stub = Dial(peer);
    if (!stub.ok()) continue;
    v1::GetProposedTransferRequest request;
    request.set_name(transfer.remote_name());
    v1::GetProposedTransferResponse response;
    grpc::Status status = (*stub)->GetProposedTransfer(CallContext().get(), request, &response);
    if (!status.ok()) {
      log::Warning("cannot ask a peer fund about a transfer", {{"peer", peer.fund_id()},
                                                               {"transfer", transfer.name()},
                                                               {"error", status.error_message()}});
      continue;
    }
    if (response.transfer().status() == v1::TRANSFER_STATUS_PROPOSED) continue;
    if (absl::Status recorded = RecordOutcome(transfer, response.transfer()); !recorded.ok()) {
      log::Warning("cannot record a transfer's outcome",
                   {{"transfer", transfer.name()}, {"error", std::string(recorded.message())}});
    }
  }
}

absl::StatusOr<std::vector<std::pair<v1::MemberTransfer, v1::PeerFund>>>
PeerSync::ConsentWithdrawnTransfers() const {
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> ids, store_.ConsentWithdrawnTransfers(
                                                         *tx, context_.fund_id, kTransfersPerPoll));
  std::vector<v1::MemberTransfer> transfers;
  for (int64_t id : ids) {
    CERCLES_ASSIGN_OR_RETURN(std::optional<v1::MemberTransfer> t, store_.GetTransfer(*tx, id));
    if (t.has_value()) transfers.push_back(*std::move(t));
  }
  CERCLES_ASSIGN_OR_RETURN(auto withdrawn, WithPeers(*tx, std::move(transfers)));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  return withdrawn;
}

void PeerSync::WithdrawConsentAtPeers() {
  auto withdrawn = ConsentWithdrawnTransfers();
  if (!withdrawn.ok()) {
    log::Warning("cannot read the transfers whose person withdrew their consent",
                 {{"error", std::string(withdrawn.status().message())}});
    return;
  }
  for (const auto& [transfer, peer] : *withdrawn) {
    auto stub = Dial(peer);
    if (!stub.ok()) continue;
    v1::WithdrawTransferConsentRequest request;
    request.set_request_id(absl::StrCat(
        "consent-withdrawn-", api::ParseName(transfer.name(), "transfers", "name").value_or(0)));
    request.set_name(transfer.remote_name());
    v1::WithdrawTransferConsentResponse response;
    grpc::Status status = (*stub)->WithdrawTransferConsent(CallContext().get(), request, &response);
    if (!status.ok()) {
      log::Warning("cannot tell a peer fund that a person withdrew their consent",
                   {{"peer", peer.fund_id()},
                    {"transfer", transfer.name()},
                    {"error", status.error_message()}});
      continue;
    }
    absl::Status recorded =
        UpdateOutgoing(transfer,
                       [&](storage::Transaction& tx, v1::MemberTransfer& stored,
                           int64_t id) -> absl::StatusOr<std::string> {
                         CERCLES_RETURN_IF_ERROR(store_.MarkConsentWithdrawn(tx, id));
                         if (stored.status() != v1::TRANSFER_STATUS_PROPOSED) return std::string();
                         stored.set_status(v1::TRANSFER_STATUS_CONSENT_WITHDRAWN);
                         return std::string("CONSENT_WITHDRAWN");
                       });
    if (!recorded.ok()) {
      log::Warning("cannot record that a peer cleared a transfer",
                   {{"transfer", transfer.name()}, {"error", std::string(recorded.message())}});
    }
  }
}

absl::Status PeerSync::RecordOutcome(const v1::MemberTransfer& outgoing,
                                     const v1::MemberTransfer& remote) {
  if (remote.status() != v1::TRANSFER_STATUS_ACCEPTED &&
      remote.status() != v1::TRANSFER_STATUS_REFUSED) {
    return absl::DataLossError("the peer reported an unknown transfer status");
  }
  return UpdateOutgoing(outgoing,
                        [&](storage::Transaction&, v1::MemberTransfer& stored,
                            int64_t) -> absl::StatusOr<std::string> {
                          if (stored.status() != v1::TRANSFER_STATUS_PROPOSED) return std::string();
                          stored.set_status(remote.status());
                          stored.set_decided_by(absl::StrCat("fund:", outgoing.peer_fund_id()));
                          *stored.mutable_decide_time() = remote.decide_time();
                          return v1::TransferStatus_Name(remote.status())
                              .substr(std::string("TRANSFER_STATUS_").size());
                        });
}

absl::Status PeerSync::UpdateOutgoing(const v1::MemberTransfer& outgoing,
                                      const OutgoingChange& change) {
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(outgoing.name(), "transfers", "name"));
  bool changed = false;
  CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
      *context_.db, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
        changed = false;
        CERCLES_RETURN_IF_ERROR(tx.LockExclusive(StableHash64(outgoing.name())));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::MemberTransfer> stored,
                                 store_.GetTransfer(tx, id));
        if (!stored.has_value()) return absl::OkStatus();
        CERCLES_ASSIGN_OR_RETURN(std::string change_kind, change(tx, *stored, id));
        if (change_kind.empty()) return absl::OkStatus();
        const absl::Time now = context_.clock->Now();
        CERCLES_RETURN_IF_ERROR(store_.UpdateTransfer(tx, id, *stored, now));
        v1::MemberTransferChanged event;
        *event.mutable_transfer() = *stored;
        api::SetClosedSet(&event, "change", "change_kind", change_kind);
        CERCLES_RETURN_IF_ERROR(
            events::AppendEvent(tx, context_.fund_id, stored->name(), event, now).status());
        changed = true;
        return absl::OkStatus();
      }));
  if (changed) {
    context_.notifier->Notify();
    if (absl::Status head = context_.outbox_head->Refresh(); !head.ok()) {
      log::Warning("cannot read network's outbox head", {{"error", std::string(head.message())}});
    }
  }
  return absl::OkStatus();
}

}  // namespace cercles::network
