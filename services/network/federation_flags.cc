#include "services/network/federation_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/util/status.h"

ABSL_FLAG(std::string, federation_cert, "",
          "PEM certificate this fund presents to peer funds when it follows their directories "
          "(its common name is what they register; empty: peers are not followed)");
ABSL_FLAG(std::string, federation_key, "", "PEM private key of --federation_cert");
ABSL_FLAG(std::string, federation_ca, "",
          "PEM CA bundle peer funds' server certificates must chain to (empty: --tls_ca)");
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
