// What every lending service object is built from, and the one way lending
// writes: RunWrite (the change, its journal entries, its events and the
// request_id record commit together, or not at all).
#ifndef CERCLES_SERVICES_LENDING_LENDING_CONTEXT_H_
#define CERCLES_SERVICES_LENDING_LENDING_CONTEXT_H_

#include <grpcpp/server_context.h>

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/storage/database.h"
#include "common/storage/group_commit.h"
#include "common/util/clock.h"
#include "google/protobuf/message.h"

namespace cercles::lending {

class MembershipClient;

struct LendingContext {
  storage::Database* db = nullptr;
  const auth::Authorizer* authorizer = nullptr;
  const MembershipClient* membership = nullptr;
  events::EventNotifier* notifier = nullptr;
  const Clock* clock = nullptr;
  std::string fund_id;
  const std::atomic<bool>* stopping = nullptr;
  // Every RunWrite goes through it: concurrent writes share one durable COMMIT.
  // Null (tests that build a context by hand): one transaction per write.
  storage::GroupCommitter* committer = nullptr;
};

using idempotency::kReplayedMetadata;  // common/idempotency/idempotency.h

// One write of any lending RPC: runs `change` (the change, its response, its
// journal entries and its events, given the transaction's time) in one
// transaction with the request_id record (idempotency::RunIn), marks a replay in
// the response metadata and wakes the event streams. Through context.committer
// the transaction is shared with concurrent writes, each in its own savepoint:
// `change` must do everything through its `tx`, do no slow work (no calls to
// other services: ask them before RunWrite) and reset what it fills, since it may
// run again after ABORTED. The answer comes after the COMMIT.
absl::Status RunWrite(const LendingContext& context, grpc::ServerContext* call,
                      absl::string_view method, const std::string& request_id,
                      const google::protobuf::Message& request, google::protobuf::Message* response,
                      const std::function<absl::Status(storage::Transaction&, absl::Time)>& change);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LENDING_CONTEXT_H_
