// cercles-network: wiring only. The logic lives in network_lib.
#include <atomic>
#include <cstdlib>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "common/cache/redis_cache.h"
#include "common/config/config.h"
#include "common/events/watch.h"
#include "common/server/server.h"
#include "common/server/server_flags.h"
#include "common/service/context.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "common/util/log.h"
#include "services/network/directory_cache.h"
#include "services/network/directory_store.h"
#include "services/network/event_projection.h"
#include "services/network/federation_flags.h"
#include "services/network/federation_service.h"
#include "services/network/federation_store.h"
#include "services/network/network_context.h"
#include "services/network/network_service.h"
#include "services/network/partner_service.h"
#include "services/network/peer_fund_service.h"
#include "services/network/peer_sync.h"

ABSL_FLAG(std::string, membership_address, "",
          "host:port of this fund's membership service (its event stream feeds the directory)");
ABSL_FLAG(std::string, membership_server_name, "membership",
          "TLS name expected in membership's certificate");
ABSL_FLAG(std::string, lending_address, "",
          "host:port of this fund's lending service (its event stream feeds the loan statistics; "
          "empty: not followed)");
ABSL_FLAG(std::string, lending_server_name, "lending",
          "TLS name expected in lending's certificate");
ABSL_FLAG(int64_t, outbox_poll_ms, 1000,
          "How often network re-reads its own outbox head (other replicas' writes move the cache "
          "generation)");
ABSL_FLAG(std::string, redis_url, "",
          "redis://host:port of the cache (empty: no cache, every query reads the store)");
ABSL_FLAG(int64_t, cache_ttl_ms, 60000, "Time to live of every cache entry");
ABSL_FLAG(int64_t, redis_timeout_ms, 50, "Redis command timeout (connect timeout is twice it)");
ABSL_FLAG(int32_t, redis_pool_size, 64,
          "Redis connections kept open (one per concurrent query; more are opened and closed)");

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  server::BlockTerminationSignals();
  config::ParseFlagsWithEnv(argc, argv, "cercles-network: the network of circles across funds");
  auto service_config = server::ServiceConfigFromFlags("network");
  config::ExitIfError(service_config.status());
  const std::string& fund_id = service_config->fund_id;
  const std::string membership_address = absl::GetFlag(FLAGS_membership_address);
  config::ExitIfError(config::RequireHostPort("membership_address", membership_address));
  const std::string lending_address = absl::GetFlag(FLAGS_lending_address);
  if (!lending_address.empty()) {
    config::ExitIfError(config::RequireHostPort("lending_address", lending_address));
  }
  const int64_t outbox_poll_ms = absl::GetFlag(FLAGS_outbox_poll_ms);
  if (outbox_poll_ms < 10 || outbox_poll_ms > 600000) {
    config::ExitIfError(absl::InvalidArgumentError(
        "--outbox_poll_ms (CERCLES_OUTBOX_POLL_MS) must be from 10 to 600000"));
  }
  const int64_t ttl_ms = absl::GetFlag(FLAGS_cache_ttl_ms);
  if (ttl_ms < 1 || ttl_ms > 86400000) {
    config::ExitIfError(absl::InvalidArgumentError(
        "--cache_ttl_ms (CERCLES_CACHE_TTL_MS) must be from 1 to 86400000"));
  }
  const int64_t redis_timeout_ms = absl::GetFlag(FLAGS_redis_timeout_ms);
  if (redis_timeout_ms < 1 || redis_timeout_ms > 10000) {
    config::ExitIfError(absl::InvalidArgumentError(
        "--redis_timeout_ms (CERCLES_REDIS_TIMEOUT_MS) must be from 1 to 10000"));
  }

  server::ServerRunner runner(service_config->server);
  config::ExitIfError(runner.Init());
  auto db = storage::Database::Open(service_config->database_url);
  config::ExitIfError(db.status());

  std::unique_ptr<cache::RedisCache> redis;
  if (const std::string url = absl::GetFlag(FLAGS_redis_url); !url.empty()) {
    std::string error;
    std::optional<cache::RedisUrl> parsed = cache::ParseRedisUrl(url, &error);
    if (!parsed.has_value()) {
      config::ExitIfError(absl::InvalidArgumentError("--redis_url (CERCLES_REDIS_URL): " + error));
    }
    cache::RedisOptions redis_options;
    redis_options.host = parsed->host;
    redis_options.port = parsed->port;
    redis_options.command_timeout_ms = static_cast<int>(redis_timeout_ms);
    redis_options.connect_timeout_ms = static_cast<int>(2 * redis_timeout_ms);
    redis_options.pool_size = absl::GetFlag(FLAGS_redis_pool_size);
    if (redis_options.pool_size < 1 || redis_options.pool_size > 1024) {
      config::ExitIfError(absl::InvalidArgumentError(
          "--redis_pool_size (CERCLES_REDIS_POOL_SIZE) must be from 1 to 1024"));
    }
    redis = std::make_unique<cache::RedisCache>(redis_options, runner.metrics(),
                                                SystemClock::Default());
  }

  auto channel = server::ChannelToService(service_config->server, membership_address,
                                          absl::GetFlag(FLAGS_membership_server_name));
  config::ExitIfError(channel.status());
  auto membership = membership::v1::MembershipService::NewStub(*channel);
  // Federation: a person's consent is read from membership before a transfer leaves.
  auto people = membership::v1::PeopleService::NewStub(*channel);
  auto peer_sync_options = network::PeerSyncOptionsFromFlags(service_config->server);
  config::ExitIfError(peer_sync_options.status());
  std::unique_ptr<network::PeerSync> peer_sync;  // built with the context below

  network::EventProjection projection;
  events::EventSubscriber membership_events(
      "membership", db->get(),
      [&](grpc::ClientContext* context, int64_t after) -> std::unique_ptr<events::EventStream> {
        membership::v1::WatchEventsRequest request;
        request.set_after_sequence(after);
        using Reader = grpc::ClientReader<membership::v1::WatchEventsResponse>;
        return std::make_unique<
            events::ReaderEventStream<Reader, membership::v1::WatchEventsResponse>>(
            membership->WatchEvents(context, request));
      },
      [&](storage::Transaction& tx, const common::v1::Event& event) {
        return projection.ApplyMembershipEvent(tx, event);
      },
      runner.metrics());

  // Lending's stream is optional and may not be up yet: the subscriber retries
  // with backoff until it is.
  std::unique_ptr<lending::v1::LendingService::Stub> lending;
  std::unique_ptr<events::EventSubscriber> lending_events;
  if (!lending_address.empty()) {
    auto lending_channel = server::ChannelToService(service_config->server, lending_address,
                                                    absl::GetFlag(FLAGS_lending_server_name));
    config::ExitIfError(lending_channel.status());
    lending = lending::v1::LendingService::NewStub(*lending_channel);
    lending_events = std::make_unique<events::EventSubscriber>(
        "lending", db->get(),
        [&](grpc::ClientContext* context, int64_t after) -> std::unique_ptr<events::EventStream> {
          lending::v1::WatchEventsRequest request;
          request.set_after_sequence(after);
          using Reader = grpc::ClientReader<lending::v1::WatchEventsResponse>;
          return std::make_unique<
              events::ReaderEventStream<Reader, lending::v1::WatchEventsResponse>>(
              lending->WatchEvents(context, request));
        },
        [&](storage::Transaction& tx, const common::v1::Event& event) {
          return projection.ApplyLendingEvent(tx, event);
        },
        runner.metrics());
  }

  network::OutboxHead outbox_head(db->get());
  network::DirectoryCache cache(
      redis.get(), fund_id, absl::Milliseconds(ttl_ms),
      [&] {
        return absl::StrCat("m", membership_events.cursor(), ".l",
                            lending_events != nullptr ? lending_events->cursor() : 0, ".n",
                            outbox_head.value(), ".f",
                            peer_sync != nullptr ? peer_sync->Generation() : 0);
      },
      runner.metrics());
  service::ServiceRuntime runtime(**db, *runner.authorizer(), fund_id);
  network::NetworkContext context{runtime.context(), &cache, &outbox_head};
  context.after_commit = [&outbox_head] { outbox_head.RefreshAfterWrite(); };
  network::NetworkService network_service(context);
  network::PartnerService partner_service(context);
  runner.AddService(&network_service, network::v1::NetworkService::service_full_name());
  runner.AddService(&partner_service, network::v1::PartnerService::service_full_name());
  peer_sync = std::make_unique<network::PeerSync>(context, runner.authenticator(),
                                                  *peer_sync_options, runner.metrics());
  network::FederationContext federation;
  federation.network = context;
  federation.sync = peer_sync.get();
  federation.trusted_services = service_config->server.trusted_services;
  federation.people = people.get();
  network::FederationService federation_service(federation);
  network::PeerFundService peer_fund_service(federation);
  runner.AddService(&federation_service, network::v1::FederationService::service_full_name());
  runner.AddService(&peer_fund_service, network::v1::PeerFundService::service_full_name());
  config::ExitIfError(runner.Start());
  absl::Status migrated = network::MigrateNetwork(**db);
  if (!migrated.ok()) {
    log::Error("migration failed", {{"error", std::string(migrated.message())}});
    return EXIT_FAILURE;
  }
  config::ExitIfError(outbox_head.Refresh());
  outbox_head.StartPolling(absl::Milliseconds(outbox_poll_ms));
  migrated = network::MigrateFederation(**db);
  if (!migrated.ok()) {
    log::Error("federation migration failed", {{"error", std::string(migrated.message())}});
    return EXIT_FAILURE;
  }
  config::ExitIfError(peer_sync->Start());
  membership_events.Start();
  if (lending_events != nullptr) lending_events->Start();
  log::Info("ready", {{"database", (*db)->Describe()},
                      {"membership", membership_address},
                      {"lending", lending_address.empty() ? "(not followed)" : lending_address},
                      {"cache", redis != nullptr}});
  runner.SetServing(true);
  runner.WaitForTermination([&] {
    runtime.Stop();
    membership_events.Stop();
    if (lending_events != nullptr) lending_events->Stop();
    outbox_head.StopPolling();
    peer_sync->Stop();
  });
  runtime.LogStats();
  return EXIT_SUCCESS;
}
