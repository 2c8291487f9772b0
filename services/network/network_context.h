// What every network service object is built from, the one idempotent write
// path (change + event + request_id record in one transaction), and the head of
// network's own outbox (part of the cache generation).
#ifndef CERCLES_SERVICES_NETWORK_NETWORK_CONTEXT_H_
#define CERCLES_SERVICES_NETWORK_NETWORK_CONTEXT_H_

#include <grpcpp/server_context.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "services/network/directory_cache.h"

namespace cercles::network {

// The last sequence of network's own outbox. Refreshed after each local write
// (so this replica's next read sees a new cache generation at once) and, with
// polling, to notice other replicas' writes.
class OutboxHead {
 public:
  explicit OutboxHead(storage::Database* db) : db_(db) {}
  ~OutboxHead() { StopPolling(); }
  absl::Status Refresh();
  int64_t value() const { return value_.load(); }
  void StartPolling(absl::Duration every);
  void StopPolling();

 private:
  storage::Database* db_;
  std::atomic<int64_t> value_{0};
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread poller_;
};

struct NetworkContext {
  storage::Database* db = nullptr;
  const auth::Authorizer* authorizer = nullptr;
  events::EventNotifier* notifier = nullptr;
  const Clock* clock = nullptr;
  // The fund this network service runs for.
  std::string fund_id;
  const std::atomic<bool>* stopping = nullptr;
  DirectoryCache* cache = nullptr;
  OutboxHead* outbox_head = nullptr;
};

using idempotency::kReplayedMetadata;  // common/idempotency/idempotency.h

// One write: runs `change` (the change, its response and its events, given the
// transaction's time) in one transaction with the request_id record, marks a
// replay in the response metadata, wakes the event streams and moves the cache
// generation on.
absl::Status RunWrite(const NetworkContext& context, grpc::ServerContext* call,
                      absl::string_view method, const std::string& request_id,
                      const google::protobuf::Message& request, google::protobuf::Message* response,
                      const std::function<absl::Status(storage::Transaction&, absl::Time)>& change);

// Appends a network event of this fund (events::AppendEvent redacts it).
absl::Status EmitEvent(storage::Transaction& tx, const NetworkContext& context,
                       const std::string& subject, const google::protobuf::Message& payload,
                       absl::Time now);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_NETWORK_CONTEXT_H_
