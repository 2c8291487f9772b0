// How a handler runs: authorise by the RPC's declared policy, run the body with
// the caller's principal, convert the status once. Every unary handler of every
// service is one call to Serve.
#ifndef CERCLES_COMMON_SERVER_HANDLER_H_
#define CERCLES_COMMON_SERVER_HANDLER_H_

#include <grpcpp/server_context.h>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/util/status.h"

namespace cercles::server {

template <typename Request, typename Body>
grpc::Status Serve(const auth::Authorizer& authorizer, grpc::ServerContext* context,
                   const Request& request, Body&& body) {
  absl::StatusOr<auth::Principal> principal = authorizer.Check(*context, request);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  return ToGrpcStatus(body(*principal));
}

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_HANDLER_H_
