#include "common/server/server_flags.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/config/config.h"
#include "common/i18n/language.h"
#include "common/server/handler_pool.h"
#include "common/util/log.h"
#include "common/util/status.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "gRPC listen address host:port");
ABSL_FLAG(std::string, metrics_listen, "",
          "Prometheus metrics HTTP address host:port (empty: no metrics server)");
ABSL_FLAG(std::string, health_listen, "",
          "Plaintext host:port serving grpc.health.v1.Health only, for the kubelet's native gRPC "
          "probes (empty: none)");
ABSL_FLAG(int64_t, max_connection_age_s, 300,
          "Close each client connection after this long (+/- 10 % jitter; calls in flight "
          "finish) so clients spread over replicas added since; 0: never");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate (chain) this process serves and calls with");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA bundle: verifies client certificates (mTLS) and the services we call");
ABSL_FLAG(bool, insecure, false, "Serve and call in plaintext (development only; logs a warning)");
ABSL_FLAG(bool, require_client_cert, false, "Refuse TLS clients without a certificate");
ABSL_FLAG(std::string, tokens_file, "",
          "Staff bearer tokens, one '<sha256 hex> <admin|advisor> <name>' line each");
ABSL_FLAG(int64_t, tokens_refresh_s, 5,
          "Re-read --tokens_file this often (seconds): a revoked token is refused, a new one "
          "accepted, without a restart (an unreadable or malformed file keeps the last good "
          "set); 0 reads it once at start");
ABSL_FLAG(std::string, trusted_services, "",
          "Comma-separated certificate common names of this deployment's services");
ABSL_FLAG(int64_t, shutdown_grace_ms, 10000,
          "On SIGTERM: how long in-flight calls may finish before being cancelled");
ABSL_FLAG(int64_t, tls_refresh_s, 60,
          "Re-read certificate, key and CA files this often (seconds) so rotations need no "
          "restart; 0 reads them once at start");
ABSL_FLAG(int32_t, handler_threads, cercles::server::HandlerPool::DefaultThreads(),
          "Threads that run unary calls' handlers (1 to 256; the default is sized for this "
          "machine: 8 per hardware thread, at least 64)");
ABSL_FLAG(std::string, default_language, "en",
          "Language of error messages to callers that send no accept-language header: en or fr "
          "(a header saying fr or en wins; our own services always read English)");
ABSL_FLAG(bool, strict_translations, false,
          "Log every error message the French catalogue lacks as an error line marked "
          "I18N_UNTRANSLATED (the tests run so)");
ABSL_FLAG(std::string, database_url, "",
          "sqlite:///path/to/file.db (embedded) or postgresql://user@host:port/db");
ABSL_FLAG(std::string, fund_id, "", "This deployment's fund, e.g. fund-montreal");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(bool, migrate_only, false,
          "Apply the database migrations and exit (0 when the schema is current), without "
          "serving: the migrate Job. Reads only --database_url");
ABSL_FLAG(bool, wait_for_schema, false,
          "Do not migrate: wait (health NOT_SERVING) until a --migrate_only run has brought the "
          "schema to this binary's version, then serve; exit 1 on a newer schema");
ABSL_FLAG(std::string, backup_to, "",
          "Write a consistent copy of the SQLite database to this file and exit (the backup "
          "CronJob; the service may keep running). Reads only --database_url");

namespace cercles::server {

absl::StatusOr<ServerOptions> ServerOptionsFromFlags(const std::string& name) {
  ServerOptions o;
  o.name = name;
  o.listen = absl::GetFlag(FLAGS_listen);
  o.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  o.health_listen = absl::GetFlag(FLAGS_health_listen);
  const int64_t max_age_s = absl::GetFlag(FLAGS_max_connection_age_s);
  if (max_age_s < 0 || max_age_s > 86400) {
    return absl::InvalidArgumentError(
        "--max_connection_age_s (CERCLES_MAX_CONNECTION_AGE_S) must be from 0 to 86400");
  }
  o.max_connection_age = absl::Seconds(max_age_s);
  o.tls = TlsFiles{absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
                   absl::GetFlag(FLAGS_tls_ca)};
  o.insecure = absl::GetFlag(FLAGS_insecure);
  o.require_client_cert = absl::GetFlag(FLAGS_require_client_cert);
  o.tokens_file = absl::GetFlag(FLAGS_tokens_file);
  const int64_t tokens_refresh_s = absl::GetFlag(FLAGS_tokens_refresh_s);
  if (tokens_refresh_s < 0 || tokens_refresh_s > 86400) {
    return absl::InvalidArgumentError(
        "--tokens_refresh_s (CERCLES_TOKENS_REFRESH_S) must be from 0 to 86400");
  }
  o.tokens_refresh = absl::Seconds(tokens_refresh_s);
  for (absl::string_view cn :
       absl::StrSplit(absl::GetFlag(FLAGS_trusted_services), ',', absl::SkipWhitespace())) {
    o.trusted_services.insert(std::string(cn));
  }
  int64_t grace_ms = absl::GetFlag(FLAGS_shutdown_grace_ms);
  if (grace_ms < 0 || grace_ms > 3600000) {
    return absl::InvalidArgumentError(
        "--shutdown_grace_ms (CERCLES_SHUTDOWN_GRACE_MS) must be from 0 to 3600000");
  }
  o.shutdown_grace = absl::Milliseconds(grace_ms);
  const int64_t refresh_s = absl::GetFlag(FLAGS_tls_refresh_s);
  if (refresh_s < 0 || refresh_s > 86400) {
    return absl::InvalidArgumentError(
        "--tls_refresh_s (CERCLES_TLS_REFRESH_S) must be from 0 to 86400");
  }
  o.tls_refresh = absl::Seconds(refresh_s);
  const int32_t handler_threads = absl::GetFlag(FLAGS_handler_threads);
  if (handler_threads < 1 || handler_threads > 256) {
    return absl::InvalidArgumentError(
        "--handler_threads (CERCLES_HANDLER_THREADS) must be from 1 to 256");
  }
  o.handler_threads = handler_threads;
  const std::string default_language = absl::GetFlag(FLAGS_default_language);
  std::optional<i18n::Language> language = i18n::ParseLanguageCode(default_language);
  if (!language.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--default_language (CERCLES_DEFAULT_LANGUAGE)=\"", default_language,
                     "\" must be en or fr"));
  }
  o.language.default_language = *language;
  o.language.strict = absl::GetFlag(FLAGS_strict_translations);
  std::string level = absl::GetFlag(FLAGS_log_level);
  if (level == "debug") {
    log::SetMinLevel(log::Level::kDebug);
  } else if (level == "info") {
    log::SetMinLevel(log::Level::kInfo);
  } else if (level == "warning") {
    log::SetMinLevel(log::Level::kWarning);
  } else if (level == "error") {
    log::SetMinLevel(log::Level::kError);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("--log_level (CERCLES_LOG_LEVEL)=\"", level,
                                                   "\" must be debug, info, warning or error"));
  }
  CERCLES_RETURN_IF_ERROR(ValidateServerOptions(o));
  return o;
}

absl::StatusOr<ServiceConfig> ServiceConfigFromFlags(const std::string& name) {
  ServiceConfig config;
  CERCLES_ASSIGN_OR_RETURN(config.server, ServerOptionsFromFlags(name));
  config.fund_id = FundIdFlag();
  CERCLES_RETURN_IF_ERROR(ValidateFundId(config.fund_id));
  config.database_url = DatabaseUrlFlag();
  CERCLES_RETURN_IF_ERROR(config::RequireNonEmpty("database_url", config.database_url));
  return config;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelToService(const ServerOptions& self,
                                                                const std::string& address,
                                                                const std::string& server_name,
                                                                observability::Registry* metrics) {
  ChannelOptions options;
  options.metrics = metrics;
  options.address = address;
  options.tls = self.tls;
  options.insecure = self.insecure;
  options.server_name_override = server_name;
  options.tls_refresh = self.tls_refresh;
  return MakeChannel(options);
}

ProcessMode ProcessModeFromFlags() {
  return ProcessMode{absl::GetFlag(FLAGS_migrate_only), absl::GetFlag(FLAGS_wait_for_schema),
                     absl::GetFlag(FLAGS_backup_to)};
}

std::string DatabaseUrlFlag() { return absl::GetFlag(FLAGS_database_url); }
std::string FundIdFlag() { return absl::GetFlag(FLAGS_fund_id); }

absl::Status ValidateFundId(const std::string& fund_id) {
  bool ok = !fund_id.empty() && fund_id.size() <= 63 && fund_id[0] >= 'a' && fund_id[0] <= 'z';
  for (char c : fund_id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--fund_id (CERCLES_FUND_ID)=\"", fund_id,
                   "\" must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter"));
}

}  // namespace cercles::server
