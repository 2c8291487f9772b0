// The one write path of every service, from the handler to the outbox:
//
//   handler ── Serve(policy) ── RunWrite(context, call, request, response, change)
//                                 │ request_id (the request's own field) + the RPC's
//                                 │ full name (from its descriptor) → replay or run
//                                 ├─ change(tx, now): load, decide, write, Emit events
//                                 │  (in the group committer's shared transaction)
//                                 └─ after COMMIT: replay marker or notifier + hooks
//
// A new write RPC is one handler: Serve, parse the request, then RunWrite with a
// `change` that loads plain records through its `tx`, asks the domain rules,
// writes the rows and appends its events (events::AppendEvent redacts them).
#ifndef CERCLES_COMMON_SERVICE_WRITE_H_
#define CERCLES_COMMON_SERVICE_WRITE_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/idempotency/idempotency.h"
#include "common/service/context.h"
#include "common/storage/database.h"

namespace cercles::service {

// The change of one write: everything through `tx` (it may share its
// transaction with concurrent writes, each in its own savepoint), no slow work
// (no calls to other services: ask them before RunWrite), and it resets what it
// fills, since it may run again after ABORTED. `now` is the transaction's time.
using Change = std::function<absl::Status(storage::Transaction& tx, absl::Time now)>;

// Runs `change` with the request_id record of `request` in one transaction
// (idempotency::RunIn): a request_id already recorded for the same request
// answers the first response without running `change` and marks the call with
// the `cercles-replayed` metadata; the same id with another request is
// ALREADY_EXISTS. The request's `request_id` field (1 to 128 of
// [A-Za-z0-9._:-]) and its RPC (found by the request's type) key the record.
// The answer comes after the COMMIT; then the event streams are woken and the
// context's after_commit hook runs. A write still in conflict after the write
// path's retries (ABORTED) is answered UNAVAILABLE: nothing was written and the
// same request may be sent again.
// `id_owner`, when not empty, is who chose the request_id when it is not this
// fund (a peer fund's id): the id is recorded as "owner:request_id", so two
// funds' ids never collide.
absl::Status RunWrite(const ServiceContext& context, grpc::ServerContextBase* call,
                      const google::protobuf::Message& request, google::protobuf::Message* response,
                      const Change& change, absl::string_view id_owner = {});

// One part of a larger write that records its request_id itself (a purge's
// batch, the request's record committing last with its report): `write` in a
// write transaction of its own, through the group committer when there is
// one, ABORTED answered as RunWrite answers it; then, as after RunWrite's
// commit, the event streams are woken and the after_commit hook runs.
absl::Status RunPartOfWrite(const ServiceContext& context,
                            const storage::GroupCommitter::Write& write);

// For dry runs (validate_only) of a write: true, with `response` filled with
// the first answer and the call marked as a replay, when the request's
// request_id already recorded this very request; false when it is unused;
// ALREADY_EXISTS when it recorded another request.
absl::StatusOr<bool> AnswerReplay(const ServiceContext& context, grpc::ServerContextBase* call,
                                  const google::protobuf::Message& request,
                                  google::protobuf::Message* response);

// The idempotency key of a write request: its RPC's full name (from the
// descriptor registered with the authorizer) and its request_id field.
absl::StatusOr<idempotency::Key> WriteKey(const auth::Authorizer& authorizer,
                                          const google::protobuf::Message& request,
                                          absl::string_view id_owner = {});

}  // namespace cercles::service

#endif  // CERCLES_COMMON_SERVICE_WRITE_H_
