// What every network service object is built from (the common service context,
// the cache and the head of network's own outbox, part of the cache generation).
#ifndef CERCLES_SERVICES_NETWORK_CONTEXT_H_
#define CERCLES_SERVICES_NETWORK_CONTEXT_H_

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
#include "common/util/clock.h"
#include "common/util/periodic.h"
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
  // Refresh after a local write, logging (not returning) a failure.
  void RefreshAfterWrite();
  int64_t value() const { return value_.load(); }
  void StartPolling(absl::Duration every);
  void StopPolling();

 private:
  storage::Database* db_;
  std::atomic<int64_t> value_{0};
  util::Periodic poller_;
};

struct NetworkContext : service::ServiceContext {
  DirectoryCache* cache = nullptr;
  // Part of the cache generation; main refreshes it after every write
  // (ServiceContext::after_commit) so this replica's next read sees a new one.
  OutboxHead* outbox_head = nullptr;
};

using service::RunWrite;  // common/service/write.h: the one write path

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_CONTEXT_H_
