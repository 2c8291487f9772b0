// Network assembled: the cache, the event subscribers that feed the directory
// and the statistics, the head of network's own outbox, the four services and
// the federation's peer sync; and the order they start and drain in. main reads
// the flags and hands this the channels and options.
#ifndef CERCLES_SERVICES_NETWORK_NETWORK_RUNTIME_H_
#define CERCLES_SERVICES_NETWORK_NETWORK_RUNTIME_H_

#include <grpcpp/channel.h>

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "common/cache/redis_cache.h"
#include "common/events/watch.h"
#include "common/server/server.h"
#include "common/service/context.h"
#include "common/storage/database.h"
#include "services/network/context.h"
#include "services/network/directory_cache.h"
#include "services/network/event_projection.h"
#include "services/network/federation_context.h"
#include "services/network/federation_service.h"
#include "services/network/network_service.h"
#include "services/network/partner_service.h"
#include "services/network/peer_fund_service.h"
#include "services/network/peer_sync.h"
#include "services/network/privacy_service.h"

namespace cercles::network {

struct NetworkRuntimeOptions {
  std::string fund_id;
  // This deployment's own services (a peer may never take one of their names).
  std::set<std::string> trusted_services;
  // Membership: its event stream feeds the directory; its people API gives a
  // person's consent before a transfer leaves. Required.
  std::shared_ptr<grpc::Channel> membership;
  // Lending: its event stream feeds the loan statistics. Null: not followed.
  std::shared_ptr<grpc::Channel> lending;
  // For the "ready" line.
  std::string membership_address;
  std::string lending_address;
  // Null: no cache, every query reads the store.
  std::optional<cache::RedisOptions> redis;
  absl::Duration cache_ttl = absl::Minutes(1);
  // How often network's own outbox head is re-read (other replicas' writes).
  absl::Duration outbox_poll = absl::Seconds(1);
  PeerSyncOptions peer_sync;
  // The runner's listener FederationService is served on (added by main,
  // kFederationListener), the only place peers reach. Empty: FederationService
  // is not served at all (this fund still follows its peers).
  std::string federation_listener;
};

// Network's migrations (its store, then the federation's): what the process
// runs before Start(), or alone with --migrate_only.
absl::Status MigrateNetworkService(storage::Database& db);

class NetworkRuntime {
 public:
  // Builds everything and adds the services to `runner` (call before
  // runner.Start()): FederationService on options.federation_listener only,
  // the others on the main port. `db` and `runner` must outlive this.
  NetworkRuntime(NetworkRuntimeOptions options, storage::Database& db,
                 server::ServerRunner& runner);
  NetworkRuntime(const NetworkRuntime&) = delete;
  NetworkRuntime& operator=(const NetworkRuntime&) = delete;

  // After runner.Start() and the migrations, in this order: its outbox head
  // (read once, then polled), the peer sync, the event subscribers; then logs
  // "ready".
  absl::Status Start();
  // The drain (before the server shuts down): streams end, the subscribers,
  // the outbox poller and the peer sync stop.
  void Stop();
  // The group committer's figures (at exit).
  void LogStats() const { runtime_.LogStats(); }

  // What a cached answer is keyed by besides its request: it moves whenever an
  // event is applied, network writes, or a peer's directory changes.
  std::string CacheGeneration() const;

 private:
  static NetworkContext MakeContext(const service::ServiceContext& base, DirectoryCache* cache,
                                    OutboxHead* outbox_head);
  // From the members above it (context_, peer_sync_, people_).
  FederationContext MakeFederation() const;
  // After the commit of a PersonErased (on the membership subscriber's thread):
  // drops this fund's cache entries (they may hold the person's name) and
  // reclaims the files (Database::ReclaimDeleted). A failure is logged: the
  // entries then expire by their TTL, the log is emptied at the next erasure.
  void AfterErasure();

  const NetworkRuntimeOptions options_;
  storage::Database& db_;
  std::unique_ptr<cache::RedisCache> redis_;
  std::unique_ptr<cercles::membership::v1::PeopleService::Stub> people_;
  EventProjection projection_;
  std::unique_ptr<events::EventSubscriber> membership_events_;
  std::unique_ptr<events::EventSubscriber> lending_events_;  // null: lending not followed
  int64_t erasures_handled_ = 0;  // projection_'s count at the last AfterErasure
  OutboxHead outbox_head_;
  DirectoryCache cache_;
  service::ServiceRuntime runtime_;
  const NetworkContext context_;
  PartnerService partner_service_;
  PrivacyService privacy_service_;
  std::unique_ptr<PeerSync> peer_sync_;
  NetworkService network_service_;  // after peer_sync_: it asks the peers
  FederationContext federation_;
  FederationService federation_service_;
  PeerFundService peer_fund_service_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_NETWORK_RUNTIME_H_
