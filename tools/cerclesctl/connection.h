#ifndef CERCLES_TOOLS_CERCLESCTL_CONNECTION_H_
#define CERCLES_TOOLS_CERCLESCTL_CONNECTION_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "tools/cerclesctl/global_options.h"

namespace cercles::cerclesctl {

// A channel to options.address: TLS verified by --ca (plus a client
// certificate when --cert/--key are given), or plaintext with --insecure, in
// which case a warning goes to `err`.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const GlobalOptions& options,
                                                           std::ostream& err);

// The bearer token to send: --token, or the trimmed content of --token-file;
// "" when neither was given.
absl::StatusOr<std::string> LoadToken(const GlobalOptions& options);

// Sets what every call carries: the bearer token, the W3C traceparent and the
// accept-language of the error messages ("fr", "en"; each when not empty) and,
// when `timeout` is positive, a deadline that far from now.
void PrepareCall(grpc::ClientContext* call, const std::string& token, absl::Duration timeout,
                 const std::string& traceparent = "", const std::string& lang = "");

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_CONNECTION_H_
