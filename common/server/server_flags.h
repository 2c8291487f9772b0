// The flags every service shares, defined once (rather than copied into three
// mains) and turned into ServerOptions. Service-specific flags stay in main.cc.
#ifndef CERCLES_COMMON_SERVER_SERVER_FLAGS_H_
#define CERCLES_COMMON_SERVER_SERVER_FLAGS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/server/server.h"

namespace cercles::server {

// Builds options from --listen, --metrics_listen, --health_listen, --max_connection_age_s,
// --tls_cert, --tls_key, --tls_ca,
// --insecure, --require_client_cert, --tokens_file, --tokens_refresh_s, --trusted_services,
// --shutdown_grace_ms, --tls_refresh_s, --handler_threads, --default_language,
// --strict_translations, after ParseFlagsWithEnv. Validated.
absl::StatusOr<ServerOptions> ServerOptionsFromFlags(const std::string& name);

// What every service reads first: its server options, its fund and its database,
// all validated (the process stops with a message naming the flag otherwise).
struct ServiceConfig {
  ServerOptions server;
  std::string fund_id;
  std::string database_url;
};
absl::StatusOr<ServiceConfig> ServiceConfigFromFlags(const std::string& name);

// A channel to another service of this deployment at `address`, verified with
// our CA and presenting our own certificate (mTLS), or plaintext with --insecure;
// its calls' grpc_client_* metrics go to `metrics` (e.g. the runner's registry).
absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelToService(const ServerOptions& self,
                                                                const std::string& address,
                                                                const std::string& server_name,
                                                                observability::Registry* metrics);

// What a service binary is started to do (service::ServiceProcess): serve
// (migrating first, or waiting for the migrate job with --wait_for_schema),
// or one maintenance task and exit (--migrate_only, --backup_to).
struct ProcessMode {
  bool migrate_only = false;
  bool wait_for_schema = false;
  std::string backup_to;
};
ProcessMode ProcessModeFromFlags();

// --database_url, --fund_id and --log_level, which every service also has.
std::string DatabaseUrlFlag();
std::string FundIdFlag();
// Checks a fund id: 1 to 63 characters of [a-z0-9-], starting with a letter.
absl::Status ValidateFundId(const std::string& fund_id);

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_SERVER_FLAGS_H_
