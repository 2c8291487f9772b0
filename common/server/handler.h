// How a handler runs: authorise by the RPC's declared policy, run the body with
// the caller's principal, redact the answer for its audience, convert the status
// once. Every unary handler of every service is one call to Serve.
#ifndef CERCLES_COMMON_SERVER_HANDLER_H_
#define CERCLES_COMMON_SERVER_HANDLER_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/redaction/redaction.h"
#include "common/server/handler_pool.h"
#include "common/server/personal_reads.h"
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

// How one call is answered: authorise `request` by its RPC's declared policy,
// run the body with the caller's principal, redact the answer for its audience,
// convert the status once. The one place service-to-service and peer reads are
// answered: `response` is redacted after the body filled it when the caller is
// not fund staff; when it is, the people whose personal data it carries are
// recorded in the process's access log (RecordPersonalReads). (Streams are callback reactors,
// events::ServeEvents: what they write is redacted at its source, the outbox append or the
// directory read.)
template <typename Request, typename Body>
grpc::Status Answer(const auth::Authorizer& authorizer, grpc::ServerContextBase* context,
                    const Request& request, google::protobuf::Message* response, Body& body) {
  absl::StatusOr<auth::Principal> principal = authorizer.Check(*context, request);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  absl::Status status = body(*principal);
  if (status.ok()) {
    RedactForAudience(*principal, response);
    RecordPersonalReads(authorizer, *principal, request, *response);
  }
  return ToGrpcStatus(status);
}

// How a call the server accepted but had not started when its drain was about
// to end is answered (HandlerPool::RefuseQueued): UNAVAILABLE, which clients and
// gRPC retry policies retry, on another replica; never CANCELLED.
inline grpc::Status DrainingStatus() {
  return ToGrpcStatus(
      absl::UnavailableError("the server is shutting down and did not start this call; retry"));
}

// Every unary handler is one call to Serve, on gRPC's callback API: Serve
// returns the call's reactor at once and the call is Answered on `pool`, which
// finishes the reactor. A call already cancelled or past its deadline when a
// pool thread takes it is answered CANCELLED or DEADLINE_EXCEEDED without
// running the body; one still queued near the end of a drain, DrainingStatus.
//
// The body runs after the handler returned: it must own what it uses. Capture
// by value (`[=]`: the handler's `context`, `request` and `response` pointers
// and `this`) and move the handler's locals into it; what the request, the
// response and the context point to lives until the reactor is finished.
template <typename Request, typename Body>
grpc::ServerUnaryReactor* Serve(HandlerPool& pool, const auth::Authorizer& authorizer,
                                grpc::CallbackServerContext* context, const Request& request,
                                google::protobuf::Message* response, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pool.Submit(
      [&authorizer, context, &request, response, reactor, body = std::move(body)]() mutable {
        if (context->IsCancelled()) {
          reactor->Finish(ToGrpcStatus(absl::CancelledError("call cancelled")));
        } else if (context->deadline() < std::chrono::system_clock::now()) {
          reactor->Finish(ToGrpcStatus(absl::DeadlineExceededError("deadline exceeded")));
        } else {
          reactor->Finish(Answer(authorizer, context, request, response, body));
        }
      },
      [reactor] { reactor->Finish(DrainingStatus()); });
  return reactor;
}

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_HANDLER_H_
