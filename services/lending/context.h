// What every lending service object is built from: the common service context
// and membership's client. Every write goes through service::RunWrite (the
// change, its journal entries, its events and the request_id record commit
// together, or not at all).
#ifndef CERCLES_SERVICES_LENDING_CONTEXT_H_
#define CERCLES_SERVICES_LENDING_CONTEXT_H_

#include <grpcpp/server_context.h>

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/service/context.h"
#include "common/service/write.h"
#include "common/storage/database.h"
#include "common/storage/group_commit.h"
#include "common/util/clock.h"
#include "google/protobuf/message.h"

namespace cercles::lending {

class MembershipClient;

struct LendingContext : service::ServiceContext {
  const MembershipClient* membership = nullptr;
};

using service::RunWrite;  // common/service/write.h: the one write path

// The outbox, the idempotency keys and lending's own schema (context.cc).
absl::Status MigrateLending(storage::Database& db);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_CONTEXT_H_
