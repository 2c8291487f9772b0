#include "services/network/network_runtime.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/service/erasure.h"
#include "common/util/clock.h"
#include "common/util/log.h"
#include "common/util/status.h"
#include "services/network/directory_store.h"
#include "services/network/federation_store.h"
#include "services/network/subscribers.h"

namespace cercles::network {

NetworkRuntime::NetworkRuntime(NetworkRuntimeOptions options, storage::Database& db,
                               server::ServerRunner& runner)
    : options_(std::move(options)),
      db_(db),
      redis_(options_.redis.has_value()
                 ? std::make_unique<cache::RedisCache>(*options_.redis, runner.metrics(),
                                                       SystemClock::Default())
                 : nullptr),
      people_(cercles::membership::v1::PeopleService::NewStub(options_.membership)),
      membership_events_(
          NewMembershipSubscriber(options_.membership, &db_, &projection_, runner.metrics())),
      lending_events_(
          options_.lending != nullptr
              ? NewLendingSubscriber(options_.lending, &db_, &projection_, runner.metrics())
              : nullptr),
      outbox_head_(&db_),
      cache_(
          redis_.get(), options_.fund_id, options_.cache_ttl, [this] { return CacheGeneration(); },
          runner.metrics()),
      runtime_(db_, runner, options_.fund_id),
      context_(MakeContext(runtime_.context(), &cache_, &outbox_head_)),
      partner_service_(context_),
      privacy_service_(context_),
      peer_sync_(std::make_unique<PeerSync>(context_, runner.authenticator(), options_.peer_sync,
                                            runner.metrics())),
      network_service_(context_, peer_sync_.get()),
      federation_(MakeFederation()),
      federation_service_(federation_),
      peer_fund_service_(federation_) {
  // A membership event applied can change what a peer's directory stream
  // sends: wake the streams now rather than at their next re-check.
  membership_events_->set_on_applied([this](int64_t) {
    if (projection_.erasures_applied() != erasures_handled_) AfterErasure();
    runtime_.notifier().Notify();
  });
  runner.AddService(&network_service_, v1::NetworkService::service_full_name());
  runner.AddService(&partner_service_, v1::PartnerService::service_full_name());
  runner.AddService(&privacy_service_, v1::PrivacyService::service_full_name());
  // Peers reach FederationService on its own listener only (its own CA
  // bundle, client certificates required); the main port refuses it.
  if (!options_.federation_listener.empty()) {
    runner.AddService(&federation_service_, v1::FederationService::service_full_name(),
                      options_.federation_listener);
  } else {
    log::Warning("no --federation_listen: peer funds cannot call this fund");
  }
  runner.AddService(&peer_fund_service_, v1::PeerFundService::service_full_name());
}

NetworkContext NetworkRuntime::MakeContext(const service::ServiceContext& base,
                                           DirectoryCache* cache, OutboxHead* outbox_head) {
  NetworkContext context{base, cache, outbox_head};
  // This replica's next read must see a new cache generation at once.
  context.after_commit = [outbox_head] { outbox_head->RefreshAfterWrite(); };
  return context;
}

FederationContext NetworkRuntime::MakeFederation() const {
  FederationContext federation;
  federation.network = context_;
  federation.sync = peer_sync_.get();
  federation.trusted_services = options_.trusted_services;
  federation.people = people_.get();
  return federation;
}

void NetworkRuntime::AfterErasure() {
  erasures_handled_ = projection_.erasures_applied();
  if (!cache_.DropAll()) {
    log::Warning("after an erasure: Redis did not answer; the cache entries expire by their TTL");
  }
  service::ReclaimAfterErasure(db_, EventProjection::ErasureTables());
}

std::string NetworkRuntime::CacheGeneration() const {
  return absl::StrCat("m", membership_events_->cursor(), ".l",
                      lending_events_ != nullptr ? lending_events_->cursor() : 0, ".n",
                      outbox_head_.value(), ".f",
                      peer_sync_ != nullptr ? peer_sync_->Generation() : 0);
}

absl::Status MigrateNetworkService(storage::Database& db) {
  CERCLES_RETURN_IF_ERROR(MigrateNetwork(db));
  return MigrateFederation(db);
}

absl::Status NetworkRuntime::Start() {
  CERCLES_RETURN_IF_ERROR(outbox_head_.Refresh());
  outbox_head_.StartPolling(options_.outbox_poll);
  CERCLES_RETURN_IF_ERROR(peer_sync_->Start());
  membership_events_->Start();
  if (lending_events_ != nullptr) lending_events_->Start();
  log::Info("ready", {{"database", db_.Describe()},
                      {"membership", options_.membership_address},
                      {"lending", options_.lending_address.empty() ? "(not followed)"
                                                                   : options_.lending_address},
                      {"cache", redis_ != nullptr}});
  return absl::OkStatus();
}

void NetworkRuntime::Stop() {
  runtime_.Stop();
  membership_events_->Stop();
  if (lending_events_ != nullptr) lending_events_->Stop();
  outbox_head_.StopPolling();
  peer_sync_->Stop();
}

}  // namespace cercles::network
