#include "services/network/flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/util/status.h"

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
ABSL_FLAG(std::string, redis_password_file, "",
          "File holding the password Redis requires (its requirepass), sent with AUTH on every "
          "new connection and re-read for each, so a rotated password needs no restart "
          "(empty: no AUTH). A file, never the password itself on the command line");
ABSL_FLAG(int64_t, cache_ttl_ms, 60000, "Time to live of every cache entry");
ABSL_FLAG(int64_t, redis_timeout_ms, 50, "Redis command timeout (connect timeout is twice it)");
ABSL_FLAG(int32_t, redis_pool_size, 64,
          "Redis connections kept open (one per concurrent query; more are opened and closed)");

ABSL_FLAG(std::string, federation_listen, "",
          "host:port where peer funds call FederationService (and health; nothing else is "
          "served there), client certificates required, chaining to --federation_ca; "
          "FederationService is not served on --listen (empty: peers cannot call in)");
ABSL_FLAG(std::string, federation_cert, "",
          "PEM certificate of this fund towards peer funds: presented when it calls them and "
          "served on --federation_listen (its common name is what they register; empty: peers "
          "are not followed, and --federation_listen serves --tls_cert)");
ABSL_FLAG(std::string, federation_key, "", "PEM private key of --federation_cert");
ABSL_FLAG(std::string, federation_ca, "",
          "PEM CA bundle of the peer funds' CAs: their client certificates on "
          "--federation_listen and their servers' certificates must chain to it (empty: "
          "--tls_ca). Re-read every --tls_refresh_s: a peer's CA appended is trusted without a "
          "restart");
ABSL_FLAG(int64_t, federation_refresh_ms, 1000,
          "How often the peer-fund registry is re-read (other replicas' changes) and peers are "
          "asked about the transfers proposed to them");
ABSL_FLAG(int64_t, federation_call_timeout_ms, 10000, "Deadline of each unary call to a peer fund");

namespace cercles::network {
namespace {

absl::Status Readable(const std::string& path, const char* flag) {
  absl::StatusOr<std::string> content = server::ReadFile(path);
  if (content.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", content.status().message()));
}

}  // namespace

absl::StatusOr<NetworkFlags> NetworkFlagsFromFlags() {
  NetworkFlags flags;
  flags.membership_address = absl::GetFlag(FLAGS_membership_address);
  CERCLES_RETURN_IF_ERROR(config::RequireHostPort("membership_address", flags.membership_address));
  flags.membership_server_name = absl::GetFlag(FLAGS_membership_server_name);
  flags.lending_address = absl::GetFlag(FLAGS_lending_address);
  if (!flags.lending_address.empty()) {
    CERCLES_RETURN_IF_ERROR(config::RequireHostPort("lending_address", flags.lending_address));
  }
  flags.lending_server_name = absl::GetFlag(FLAGS_lending_server_name);
  const int64_t outbox_poll_ms = absl::GetFlag(FLAGS_outbox_poll_ms);
  if (outbox_poll_ms < 10 || outbox_poll_ms > 600000) {
    return absl::InvalidArgumentError(
        "--outbox_poll_ms (CERCLES_OUTBOX_POLL_MS) must be from 10 to 600000");
  }
  flags.outbox_poll = absl::Milliseconds(outbox_poll_ms);
  const int64_t ttl_ms = absl::GetFlag(FLAGS_cache_ttl_ms);
  if (ttl_ms < 1 || ttl_ms > 86400000) {
    return absl::InvalidArgumentError(
        "--cache_ttl_ms (CERCLES_CACHE_TTL_MS) must be from 1 to 86400000");
  }
  flags.cache_ttl = absl::Milliseconds(ttl_ms);
  const int64_t redis_timeout_ms = absl::GetFlag(FLAGS_redis_timeout_ms);
  if (redis_timeout_ms < 1 || redis_timeout_ms > 10000) {
    return absl::InvalidArgumentError(
        "--redis_timeout_ms (CERCLES_REDIS_TIMEOUT_MS) must be from 1 to 10000");
  }
  return flags;
}

absl::StatusOr<std::optional<cache::RedisOptions>> RedisOptionsFromFlags() {
  const std::string url = absl::GetFlag(FLAGS_redis_url);
  if (url.empty()) return std::optional<cache::RedisOptions>();
  std::string error;
  std::optional<cache::RedisUrl> parsed = cache::ParseRedisUrl(url, &error);
  if (!parsed.has_value()) {
    return absl::InvalidArgumentError("--redis_url (CERCLES_REDIS_URL): " + error);
  }
  const int redis_timeout_ms = static_cast<int>(absl::GetFlag(FLAGS_redis_timeout_ms));
  cache::RedisOptions options;
  options.host = parsed->host;
  options.port = parsed->port;
  options.command_timeout_ms = redis_timeout_ms;
  options.connect_timeout_ms = 2 * redis_timeout_ms;
  options.password_file = absl::GetFlag(FLAGS_redis_password_file);
  if (!options.password_file.empty()) {
    CERCLES_RETURN_IF_ERROR(
        config::RequireReadableFile("redis_password_file", options.password_file));
  }
  options.pool_size = absl::GetFlag(FLAGS_redis_pool_size);
  if (options.pool_size < 1 || options.pool_size > 1024) {
    return absl::InvalidArgumentError(
        "--redis_pool_size (CERCLES_REDIS_POOL_SIZE) must be from 1 to 1024");
  }
  return std::optional<cache::RedisOptions>(options);
}

absl::StatusOr<std::optional<server::ListenerOptions>> FederationListenerFromFlags(
    const server::ServerOptions& self) {
  server::ListenerOptions listener;
  listener.name = kFederationListener;
  listener.listen = absl::GetFlag(FLAGS_federation_listen);
  if (listener.listen.empty()) return std::optional<server::ListenerOptions>();
  listener.tls.cert = absl::GetFlag(FLAGS_federation_cert);
  listener.tls.key = absl::GetFlag(FLAGS_federation_key);
  if (listener.tls.cert.empty() && listener.tls.key.empty()) {
    listener.tls.cert = self.tls.cert;
    listener.tls.key = self.tls.key;
  }
  listener.tls.ca = absl::GetFlag(FLAGS_federation_ca);
  if (listener.tls.ca.empty()) listener.tls.ca = self.tls.ca;
  if (listener.tls.cert.empty() || listener.tls.ca.empty()) {
    return absl::InvalidArgumentError(
        "--federation_listen (CERCLES_FEDERATION_LISTEN) needs a certificate "
        "(--federation_cert or --tls_cert) and the peers' CA bundle (--federation_ca or "
        "--tls_ca): peers are always called in with TLS and client certificates");
  }
  return std::optional<server::ListenerOptions>(std::move(listener));
}

absl::StatusOr<PeerSyncOptions> PeerSyncOptionsFromFlags(const server::ServerOptions& self) {
  PeerSyncOptions options;
  options.identity.cert = absl::GetFlag(FLAGS_federation_cert);
  options.identity.key = absl::GetFlag(FLAGS_federation_key);
  options.identity.ca = absl::GetFlag(FLAGS_federation_ca);
  if (options.identity.ca.empty()) options.identity.ca = self.tls.ca;
  if (options.identity.cert.empty() != options.identity.key.empty()) {
    return absl::InvalidArgumentError(
        "--federation_cert and --federation_key (CERCLES_FEDERATION_CERT, "
        "CERCLES_FEDERATION_KEY) go together: give both or neither");
  }
  if (!options.identity.cert.empty()) {
    CERCLES_RETURN_IF_ERROR(Readable(options.identity.cert, "federation_cert"));
    CERCLES_RETURN_IF_ERROR(Readable(options.identity.key, "federation_key"));
    if (options.identity.ca.empty()) {
      return absl::InvalidArgumentError(
          "--federation_cert needs a CA bundle to verify peers: --federation_ca or --tls_ca");
    }
    CERCLES_RETURN_IF_ERROR(Readable(options.identity.ca, "federation_ca"));
  }
  const int64_t refresh_ms = absl::GetFlag(FLAGS_federation_refresh_ms);
  if (refresh_ms < 50 || refresh_ms > 600000) {
    return absl::InvalidArgumentError(
        "--federation_refresh_ms (CERCLES_FEDERATION_REFRESH_MS) must be from 50 to 600000");
  }
  options.refresh = absl::Milliseconds(refresh_ms);
  const int64_t timeout_ms = absl::GetFlag(FLAGS_federation_call_timeout_ms);
  if (timeout_ms < 100 || timeout_ms > 600000) {
    return absl::InvalidArgumentError(
        "--federation_call_timeout_ms (CERCLES_FEDERATION_CALL_TIMEOUT_MS) must be from 100 to "
        "600000");
  }
  options.call_timeout = absl::Milliseconds(timeout_ms);
  return options;
}

}  // namespace cercles::network
