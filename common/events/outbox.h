// The transactional outbox: a state change and the event describing it are
// written in the same transaction, so an event exists if and only if its change
// committed. Consumers read it back in sequence order through WatchEvents.
#ifndef CERCLES_COMMON_EVENTS_OUTBOX_H_
#define CERCLES_COMMON_EVENTS_OUTBOX_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cercles/common/v1/event.pb.h"
#include "common/storage/database.h"

namespace cercles::events {

// The outbox table's migrations (component "outbox"), the same in every service.
std::vector<storage::Migration> OutboxMigrations();

// Appends an event to the outbox inside `tx`: the one way to emit an event.
// It carries the trace context of the span the thread works for
// (trace::CurrentTraceparent: the call whose write emitted it, or the event
// being applied). What is stored is `payload` with every field marked
// `[(cercles.common.v1.sensitive) = true]` cleared at any depth (`payload` itself
// is left as it is), so no caller redacts by hand. Returns the event's
// event_id.
//
// The event is written by the transaction's COMMIT, not here: a transaction
// keeps its events (storage::Transaction::Deferred) and appends them all in
// one statement just before COMMIT, after everything else it did; a rollback
// to a savepoint drops the events kept since. So the event still exists if and
// only if its change committed, the events of a transaction keep the order in
// which they were appended, and the outbox's lock is the last lock any
// transaction takes: on PostgreSQL that append first takes a transaction-scoped
// lock held through COMMIT, so sequence numbers become visible in commit order
// and a consumer reading "after N" can never skip a late committer; and since a
// transaction holding it waits for no other lock, it is in no deadlock.
absl::StatusOr<std::string> AppendEvent(storage::Transaction& tx, const std::string& fund_id,
                                        const std::string& subject,
                                        const google::protobuf::Message& payload, absl::Time now);

// Events with sequence > after_sequence, oldest first, at most `limit`.
absl::StatusOr<std::vector<cercles::common::v1::Event>> ReadEvents(storage::Database& db,
                                                                   int64_t after_sequence,
                                                                   int limit);

// Wakes event streams when a transaction that appended events commits.
//
// Streams subscribe a callback instead of holding a thread each: the notifier
// runs the callbacks on its own few worker threads (started with the first
// subscriber), after every Notify, once after Wake(id), and every `recheck`
// period for as long as they are subscribed, because another replica's commits
// are never notified here and are only seen by reading again. A committing
// thread only queues the wake-ups; it never runs a stream's code.
class EventNotifier {
 public:
  using Callback = std::function<void()>;

  explicit EventNotifier(absl::Duration recheck = absl::Milliseconds(250), int workers = 2);
  // Stops the workers. Every subscriber must have unsubscribed.
  ~EventNotifier();
  EventNotifier(const EventNotifier&) = delete;
  EventNotifier& operator=(const EventNotifier&) = delete;

  void Notify() ABSL_LOCKS_EXCLUDED(mu_);
  // Returns when Notify was called after `seen` was read, or after `timeout`.
  // Returns the version to pass next time.
  uint64_t WaitForChange(uint64_t seen, absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t version() const ABSL_LOCKS_EXCLUDED(mu_);

  // Registers `on_change` and returns its id. The callback runs on a worker:
  // never on two threads at once (a wake-up while it runs runs it once more
  // afterwards), and it may block briefly (a storage read), which delays the
  // other subscribers' callbacks by as much.
  uint64_t Subscribe(Callback on_change) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs that subscriber's callback soon (e.g. to read its next batch). A no-op
  // after Unsubscribe.
  void Wake(uint64_t id) ABSL_LOCKS_EXCLUDED(mu_);
  // When it returns, the callback is not running (unless this is called from
  // the callback itself) and will not be called again.
  void Unsubscribe(uint64_t id) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Subscriber {
    Callback on_change;
    bool queued = false;   // in ready_
    bool running = false;  // on a worker now
    bool again = false;    // woken while running: run once more
    bool removed = false;
    std::thread::id runner;
  };

  void ScheduleLocked(uint64_t id, Subscriber& subscriber) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScheduleAllLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Work() ABSL_LOCKS_EXCLUDED(mu_);

  const absl::Duration recheck_;
  const int worker_count_;
  mutable absl::Mutex mu_;
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, std::shared_ptr<Subscriber>> subscribers_ ABSL_GUARDED_BY(mu_);
  std::deque<uint64_t> ready_ ABSL_GUARDED_BY(mu_);
  absl::Time next_recheck_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cercles::events

#endif  // CERCLES_COMMON_EVENTS_OUTBOX_H_
