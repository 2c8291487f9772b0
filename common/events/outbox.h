// The transactional outbox: a state change and the event describing it are
// written in the same transaction, so an event exists if and only if its change
// committed. Consumers read it back in sequence order through WatchEvents.
#ifndef CERCLES_COMMON_EVENTS_OUTBOX_H_
#define CERCLES_COMMON_EVENTS_OUTBOX_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cercles/common/v1/event.pb.h"
#include "common/storage/database.h"

namespace cercles::events {

// The outbox table, to include in a service's migration list.
storage::Migration OutboxMigration(int version);

// Appends an event to the outbox inside `tx`: the one way to emit an event.
// What is stored is `payload` with every field marked
// `[(cercles.common.v1.sensitive) = true]` cleared at any depth (`payload` itself
// is left as it is), so no caller redacts by hand. On PostgreSQL the append
// takes a transaction-scoped lock first, so sequence numbers become visible in
// commit order and a consumer reading "after N" can never skip a late committer.
absl::StatusOr<int64_t> AppendEvent(storage::Transaction& tx, const std::string& fund_id,
                                    const std::string& subject,
                                    const google::protobuf::Message& payload, absl::Time now);

// Events with sequence > after_sequence, oldest first, at most `limit`.
absl::StatusOr<std::vector<cercles::common::v1::Event>> ReadEvents(storage::Database& db,
                                                                   int64_t after_sequence,
                                                                   int limit);

// Wakes WatchEvents streams when a transaction that appended events commits.
// Streams also poll, so another replica's commits are seen within the poll period.
class EventNotifier {
 public:
  void Notify() ABSL_LOCKS_EXCLUDED(mu_);
  // Returns when Notify was called after `seen` was read, or after `timeout`.
  // Returns the version to pass next time.
  uint64_t WaitForChange(uint64_t seen, absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t version() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cercles::events

#endif  // CERCLES_COMMON_EVENTS_OUTBOX_H_
