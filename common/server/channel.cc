// Client side of the runner: the one way a process of the suite opens a
// channel to a sibling service or a peer fund (TLS or mTLS from files, watched
// for renewal; the retry policy; client metrics). Declared in server.h.
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/server/rpc_metrics.h"
#include "common/server/server.h"
#include "common/util/status.h"
#include "common/util/status_macros.h"

namespace cercles::server {

namespace gx = grpc::experimental;

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ChannelOptions& options) {
  grpc::ChannelArguments args;
  if (!options.server_name_override.empty()) {
    args.SetSslTargetNameOverride(options.server_name_override);
  }
  // Keep connections warm across idle periods between event batches.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  // Every method: one empty name matches them all.
  args.SetServiceConfigJSON(absl::StrCat(
      "{",
      options.health_checked && absl::StrContains(options.address, ',')
          ? R"("loadBalancingConfig":[{"round_robin":{}}],"healthCheckConfig":{"serviceName":""},)"
          : "",
      R"("methodConfig":[{"name":[{}],"retryPolicy":{"maxAttempts":)", kChannelMaxAttempts,
      R"(,"initialBackoff":"0.05s","maxBackoff":"1s","backoffMultiplier":2,)"
      R"("retryableStatusCodes":["UNAVAILABLE"]}}]})"));
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.insecure) {
    credentials = grpc::InsecureChannelCredentials();
  } else if (options.tls.ca.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a CA file is needed to verify ", options.address, " (or use insecure)"));
  } else if (options.tls_refresh > absl::ZeroDuration()) {
    // The files are watched, as the server's are: connections opened after a
    // renewal present the new certificate and trust the new CA bundle.
    CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_ca", options.tls.ca));
    const auto refresh_s =
        static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(options.tls_refresh)));
    std::shared_ptr<gx::CertificateProviderInterface> provider;
    if (options.tls.cert.empty()) {
      provider = std::make_shared<gx::FileWatcherCertificateProvider>(options.tls.ca, refresh_s);
    } else {
      CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_cert", options.tls.cert));
      CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_key", options.tls.key));
      provider = std::make_shared<gx::FileWatcherCertificateProvider>(
          options.tls.key, options.tls.cert, options.tls.ca, refresh_s);
    }
    gx::TlsChannelCredentialsOptions tls;
    tls.set_certificate_provider(std::move(provider));
    tls.watch_root_certs();
    if (!options.tls.cert.empty()) tls.watch_identity_key_cert_pairs();
    credentials = gx::TlsCredentials(tls);
  } else {
    grpc::SslCredentialsOptions ssl;
    CERCLES_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(options.tls.ca));
    if (!options.tls.cert.empty()) {
      CERCLES_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFile(options.tls.cert));
      CERCLES_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFile(options.tls.key));
    }
    credentials = grpc::SslCredentials(ssl);
  }
  if (options.metrics == nullptr)
    return grpc::CreateCustomChannel(options.address, credentials, args);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(ClientMetricsInterceptor(options.metrics));
  return grpc::experimental::CreateCustomChannelWithInterceptors(options.address, credentials, args,
                                                                 std::move(interceptors));
}

}  // namespace cercles::server
