// cercles-network: reads the flags and assembles; network_runtime.cc holds the
// parts and the order they start and drain in.
#include <utility>

#include "common/config/config.h"
#include "common/server/server_flags.h"
#include "common/service/process.h"
#include "services/network/flags.h"
#include "services/network/network_runtime.h"

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  service::ServiceProcess process(argc, argv, "network",
                                  "cercles-network: the network of circles across funds",
                                  network::MigrateNetworkService);
  const server::ServiceConfig& service_config = process.config();
  auto flags = network::NetworkFlagsFromFlags();
  config::ExitIfError(flags.status());

  network::NetworkRuntimeOptions options;
  options.fund_id = service_config.fund_id;
  options.trusted_services = service_config.server.trusted_services;
  options.membership_address = flags->membership_address;
  options.lending_address = flags->lending_address;
  options.cache_ttl = flags->cache_ttl;
  options.outbox_poll = flags->outbox_poll;
  auto redis = network::RedisOptionsFromFlags();
  config::ExitIfError(redis.status());
  options.redis = *std::move(redis);
  auto membership =
      server::ChannelToService(service_config.server, flags->membership_address,
                               flags->membership_server_name, process.runner().metrics());
  config::ExitIfError(membership.status());
  options.membership = *std::move(membership);
  auto peer_sync = network::PeerSyncOptionsFromFlags(service_config.server);
  config::ExitIfError(peer_sync.status());
  options.peer_sync = *std::move(peer_sync);
  auto federation_listener = network::FederationListenerFromFlags(service_config.server);
  config::ExitIfError(federation_listener.status());
  if (federation_listener->has_value()) {
    config::ExitIfError(process.runner().AddListener(**std::move(federation_listener)));
    options.federation_listener = network::kFederationListener;
  }
  if (!flags->lending_address.empty()) {
    auto lending = server::ChannelToService(service_config.server, flags->lending_address,
                                            flags->lending_server_name, process.runner().metrics());
    config::ExitIfError(lending.status());
    options.lending = *std::move(lending);
  }

  network::NetworkRuntime network(std::move(options), process.db(), process.runner());
  const int exit_code = process.Run([&] { return network.Start(); }, [&] { network.Stop(); });
  network.LogStats();
  return exit_code;
}
