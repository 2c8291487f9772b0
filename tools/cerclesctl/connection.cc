#include "tools/cerclesctl/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace cercles::cerclesctl {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", what, " \"", path, "\": ", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A command-line tool retries quickly: `health --wait` must notice a server
// that just started within a fraction of a second rather than after gRPC's
// default back-off of up to two minutes. But one connection attempt (TCP, TLS
// handshake, the server's first SETTINGS frame) may take as long as the call:
// gRPC gives an attempt max(the back-off, GRPC_ARG_MIN_RECONNECT_BACKOFF_MS),
// and with the 200 ms once set here a handshake slower than that — a busy
// server, a distant fund — failed every call ("connection attempt timed out
// before receiving SETTINGS frame").
grpc::ChannelArguments ChannelArgs(const GlobalOptions& options) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  const int64_t attempt_ms =
      std::clamp<int64_t>(absl::ToInt64Milliseconds(options.timeout), 1000, 600000);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(attempt_ms));
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  return args;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const GlobalOptions& options,
                                                           std::ostream& err) {
  if (options.insecure) {
    err << "cerclesctl: warning: --insecure: plaintext connection to " << options.address
        << ", nothing is encrypted and the server is not verified\n";
    return grpc::CreateCustomChannel(options.address, grpc::InsecureChannelCredentials(),
                                     ChannelArgs(options));
  }
  grpc::SslCredentialsOptions tls;
  auto ca = ReadFile(options.ca_file, "--ca file");
  if (!ca.ok()) return ca.status();
  tls.pem_root_certs = *std::move(ca);
  if (!options.cert_file.empty()) {
    auto cert = ReadFile(options.cert_file, "--cert file");
    if (!cert.ok()) return cert.status();
    auto key = ReadFile(options.key_file, "--key file");
    if (!key.ok()) return key.status();
    tls.pem_cert_chain = *std::move(cert);
    tls.pem_private_key = *std::move(key);
  }
  return grpc::CreateCustomChannel(options.address, grpc::SslCredentials(tls),
                                   ChannelArgs(options));
}

absl::StatusOr<std::string> LoadToken(const GlobalOptions& options) {
  if (options.token_file.empty()) return options.token;
  auto content = ReadFile(options.token_file, "--token-file");
  if (!content.ok()) return content.status();
  std::string token(absl::StripAsciiWhitespace(*content));
  if (token.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--token-file \"", options.token_file, "\" is empty"));
  }
  return token;
}

void PrepareCall(grpc::ClientContext* call, const std::string& token, absl::Duration timeout,
                 const std::string& traceparent, const std::string& lang) {
  if (!traceparent.empty()) call->AddMetadata("traceparent", traceparent);
  if (!lang.empty()) call->AddMetadata("accept-language", lang);
  if (!token.empty()) call->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  if (timeout > absl::ZeroDuration()) {
    call->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  }
}

}  // namespace cercles::cerclesctl
