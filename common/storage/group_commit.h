// Group commit: many concurrent writes share one transaction, so that durable
// writes are not capped by the disk's fsync rate (one COMMIT per write would be).
//
// Callers of Run queue up. One of them, the leader, takes the queue (up to
// max_batch writes), begins ONE write transaction, runs each write in its own
// SAVEPOINT, COMMITs once, and then answers every caller of the batch; meanwhile
// the next writes queue up behind it and form the next batch. No caller gets an
// answer before the COMMIT that holds its write has returned (durable:
// synchronous=FULL on SQLite, a default commit on PostgreSQL). A lone write
// leads at once, on its own thread: there is no timer and no added delay.
//
// On PostgreSQL several batches run at once, each on its own connection and led
// by its own caller (Options::concurrent_batches): while one batch waits for its
// statements' round trips or its COMMIT's flush, the next one's writes run, as
// two replicas' batches would. Their row locks are handled as between replicas
// (below). SQLite has one writer: its batches run one after another.
//
// Failures:
//  - a write returning an error is rolled back to its savepoint and gets that
//    error; the other writes of the batch still commit;
//  - a write returning ABORTED (a lock or unique conflict with another process)
//    is rolled back to its savepoint and queued again, up to `attempts` runs;
//  - on PostgreSQL only the first write of a batch waits for a lock another
//    transaction holds: the later ones give up after a millisecond (ABORTED),
//    are rolled back to their savepoint and queued again at the front, without
//    using up an attempt. A batch thus waits only while it holds no lock but
//    its first write's, so two processes' batches never deadlock whatever
//    rows their writes lock and in whatever order; and the outbox's lock, the
//    one every batch takes, is taken by COMMIT last (events/outbox.h);
//  - Begin or COMMIT failing with ABORTED (busy, serialization) rolls the whole
//    batch back and runs it again, up to `attempts` times;
//  - COMMIT failing otherwise fails every write of the batch with that error,
//    even writes that had failed on their own (their outcome was decided against
//    writes that never became durable). Nothing is retried individually: after a
//    lost connection the COMMIT may or may not have happened, and only the
//    caller (with its request_id) can retry safely.
// Each write of a batch has its own savepoint, released only by the COMMIT (a
// RELEASE per write would cost PostgreSQL a round trip each). A batch of one
// write runs without a savepoint (its error rolls the transaction back), which
// costs the lone write nothing.
#ifndef CERCLES_COMMON_STORAGE_GROUP_COMMIT_H_
#define CERCLES_COMMON_STORAGE_GROUP_COMMIT_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/storage/database.h"

namespace cercles::storage {

class GroupCommitter {
 public:
  // A write: its SQL through `tx` only (never another transaction of the same
  // database: on SQLite that would wait for the one it runs in). It may run more
  // than once (retries) and on another caller's thread, so it must reset any
  // output it fills at its start.
  using Write = std::function<absl::Status(Transaction& tx)>;

  struct Options {
    // Writes per transaction. PostgreSQL keeps up to 64 subtransaction ids per
    // transaction in shared memory; more slows every other session's snapshots.
    int max_batch = 64;
    // Runs of a write before it gives up on ABORTED (its own, or its batch's).
    int attempts = 5;
    // Batches running at once; 0 chooses by engine: 1 on SQLite (one writer),
    // kPostgresBatches on PostgreSQL. Each holds a pool connection while it runs.
    int concurrent_batches = 0;
  };
  static constexpr int kPostgresBatches = 3;

  struct Stats {
    int64_t writes = 0;        // answered calls of Run
    int64_t transactions = 0;  // COMMITs attempted
    int64_t commit_failures = 0;
    int64_t retries = 0;  // runs repeated after ABORTED (a write or a batch)
    int64_t largest_batch = 0;
    // Leaders' time running writes (savepoints included) and committing: what
    // bounds the throughput, since batches run one at a time.
    absl::Duration write_time;
    absl::Duration commit_time;
  };

  explicit GroupCommitter(Database& db);
  GroupCommitter(Database& db, Options options);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `write` in a shared write transaction and returns once that
  // transaction committed (OK), or with the write's own error (nothing of it
  // kept), or with the transaction's error (nothing of the batch kept, or, for
  // UNAVAILABLE at COMMIT, unknown). Thread-safe; blocks the caller.
  absl::Status Run(const Write& write) ABSL_LOCKS_EXCLUDED(mu_);

  Stats stats() const ABSL_LOCKS_EXCLUDED(mu_);
  // Writes waiting for a batch (not counting the one running).
  size_t queued() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Pending;
  struct BatchCounts {
    int64_t transactions = 0;
    int64_t commit_failures = 0;
    int64_t retries = 0;
    absl::Duration write_time;
    absl::Duration commit_time;
  };

  // Takes a batch from the front of the queue (if any is left: another leader
  // may have taken the writes), runs it without holding mu_, answers its callers
  // and hands the lead to a queued write that does not lead yet.
  void LeadOneBatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // One run of a batch in one transaction: sets each write's result and retry
  // flag; returns the transaction's own error (Begin, savepoint, COMMIT), with
  // `committing` set once COMMIT was attempted.
  absl::Status TryBatch(const std::vector<Pending*>& batch, bool* committing, BatchCounts* counts);
  // Runs one write of a batch of several in its own savepoint: true when it
  // succeeded (kept), false when it failed and was rolled back; an error when
  // the transaction itself failed.
  absl::StatusOr<bool> RunInSavepoint(Transaction& tx, size_t index, Pending* p);
  // TryBatch until it is not ABORTED or attempts run out; on a transaction
  // error every write of the batch gets it.
  void RunBatch(std::vector<Pending*> batch, BatchCounts* counts);

  Database& db_;
  Options options_;
  mutable absl::Mutex mu_;
  std::deque<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  // Leaders running a batch or chosen and waking up, at most
  // options_.concurrent_batches; whenever it is 0 the queue is empty.
  int leaders_ ABSL_GUARDED_BY(mu_) = 0;
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cercles::storage

#endif  // CERCLES_COMMON_STORAGE_GROUP_COMMIT_H_
