// cercles-network: wiring only. The logic lives in network_lib.
#include <atomic>
#include <cstdlib>
#include <memory>

#include "absl/flags/flag.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "common/cache/redis_cache.h"
#include "common/config/config.h"
#include "common/events/watch.h"
#include "common/server/server.h"
#include "common/server/server_flags.h"
#include "common/storage/database.h"
#include "common/util/log.h"
#include "services/network/directory_cache.h"
#include "services/network/directory_store.h"
#include "services/network/network_service.h"

ABSL_FLAG(std::string, membership_address, "",
          "host:port of this fund's membership service (its event stream feeds the directory)");
ABSL_FLAG(std::string, membership_server_name, "membership",
          "TLS name expected in membership's certificate");
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
    redis = std::make_unique<cache::RedisCache>(redis_options, runner.metrics());
  }

  auto channel = server::ChannelToService(service_config->server, membership_address,
                                          absl::GetFlag(FLAGS_membership_server_name));
  config::ExitIfError(channel.status());
  auto membership = membership::v1::MembershipService::NewStub(*channel);

  network::DirectoryStore store;
  events::EventSubscriber subscriber(
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
        return store.ApplyMembershipEvent(tx, event);
      },
      runner.metrics());

  network::DirectoryCache cache(redis.get(), fund_id, absl::Milliseconds(ttl_ms),
                                [&] { return subscriber.cursor(); });
  network::NetworkService service(db->get(), runner.authorizer(), &cache);
  runner.AddService(&service, network::v1::NetworkService::service_full_name());
  config::ExitIfError(runner.Start());
  absl::Status migrated = network::MigrateNetwork(**db);
  if (!migrated.ok()) {
    log::Error("migration failed", {{"error", std::string(migrated.message())}});
    return EXIT_FAILURE;
  }
  subscriber.Start();
  log::Info("ready", {{"database", (*db)->Describe()},
                      {"membership", membership_address},
                      {"cache", redis != nullptr}});
  runner.SetServing(true);
  runner.WaitForTermination([&] { subscriber.Stop(); });
  return EXIT_SUCCESS;
}
