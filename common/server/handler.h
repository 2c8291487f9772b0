// How a handler runs: authorise by the RPC's declared policy, run the body with
// the caller's principal, redact the answer for its audience, convert the status
// once. Every unary handler of every service is one call to Serve.
#ifndef CERCLES_COMMON_SERVER_HANDLER_H_
#define CERCLES_COMMON_SERVER_HANDLER_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/redaction/redaction.h"
#include "common/util/status.h"

namespace cercles::server {

// Whether answers to `who` leave the fund's staff: sibling services and peer
// funds receive no field marked sensitive in the protos.
inline bool ReceivesRedacted(const auth::Principal& who) {
  return who.kind == auth::Principal::Kind::kService ||
         who.kind == auth::Principal::Kind::kPeerFund;
}

// An answer as `who` may receive it (in place).
inline void RedactForAudience(const auth::Principal& who, google::protobuf::Message* response) {
  if (ReceivesRedacted(who)) redaction::RedactSensitive(response);
}

// The one place service-to-service and peer reads are answered: `response` is
// redacted after the body filled it when the caller is not fund staff. (Streams
// are callback reactors, events::ServeEvents: what they write is redacted at its
// source, the outbox append or the directory read.)
// `context` is the base of the sync and callback server contexts, so a handler
// body does not change when its RPC moves to the callback API.
template <typename Request, typename Body>
grpc::Status Serve(const auth::Authorizer& authorizer, grpc::ServerContextBase* context,
                   const Request& request, google::protobuf::Message* response, Body&& body) {
  absl::StatusOr<auth::Principal> principal = authorizer.Check(*context, request);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  absl::Status status = body(*principal);
  if (status.ok()) RedactForAudience(*principal, response);
  return ToGrpcStatus(status);
}

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_HANDLER_H_
