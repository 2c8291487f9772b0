// The flags every service shares, defined once (rather than copied into three
// mains) and turned into ServerOptions. Service-specific flags stay in main.cc.
#ifndef CERCLES_COMMON_SERVER_SERVER_FLAGS_H_
#define CERCLES_COMMON_SERVER_SERVER_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/server/server.h"

namespace cercles::server {

// Builds options from --listen, --metrics_listen, --tls_cert, --tls_key, --tls_ca,
// --insecure, --require_client_cert, --tokens_file, --trusted_services,
// --shutdown_grace_ms, after ParseFlagsWithEnv. Validated.
absl::StatusOr<ServerOptions> ServerOptionsFromFlags(const std::string& name);

// --database_url, --fund_id and --log_level, which every service also has.
std::string DatabaseUrlFlag();
std::string FundIdFlag();
// Checks a fund id: 1 to 63 characters of [a-z0-9-], starting with a letter.
absl::Status ValidateFundId(const std::string& fund_id);

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_SERVER_FLAGS_H_
