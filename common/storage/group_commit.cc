#include "common/storage/group_commit.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/status.h"

namespace cercles::storage {
namespace {

// Write i of a batch runs in savepoint "group_write_<i>".
constexpr char kSavepoint[] = "group_write_";

// How long a write after the first of a batch waits for a lock on PostgreSQL.
constexpr char kLaterWriteLockWait[] = "1ms";

// PostgreSQL: lock waits from now on in `tx` give up after kLaterWriteLockWait
// (lock_timeout, ABORTED); returns the lock_timeout it had, for RestoreLockWaits.
absl::StatusOr<std::string> ShortenLockWaits(Transaction& tx) {
  // The setting is read in a subquery, so before the outer SELECT changes it.
  CERCLES_ASSIGN_OR_RETURN(Rows rows,
                           tx.Query("SELECT s.was, set_config('lock_timeout', ?, true) FROM "
                                    "(SELECT current_setting('lock_timeout') AS was OFFSET 0) s",
                                    {std::string(kLaterWriteLockWait)}));
  if (rows.size() != 1) return absl::InternalError("lock_timeout: no row");
  return rows[0].Text(0);
}

absl::Status RestoreLockWaits(Transaction& tx, const std::string& lock_timeout) {
  return tx.Query("SELECT set_config('lock_timeout', ?, true)", {lock_timeout}).status();
}

}  // namespace

struct GroupCommitter::Pending {
  const Write* write = nullptr;
  absl::Status result;
  int runs = 0;        // runs that ended ABORTED in the write itself
  bool retry = false;  // set by TryBatch: ABORTED in its savepoint, queue it again
  bool lead = false;   // chosen to run the next batch
  bool waited = true;  // ran first of its batch, free to wait for locks
  bool done = false;   // `result` is final; the caller may return
};

GroupCommitter::GroupCommitter(Database& db) : GroupCommitter(db, Options()) {}

GroupCommitter::GroupCommitter(Database& db, Options options)
    : db_(db), options_(std::move(options)) {
  options_.max_batch = std::max(options_.max_batch, 1);
  options_.attempts = std::max(options_.attempts, 1);
  if (db.engine() != Engine::kPostgres) {
    options_.concurrent_batches = 1;  // one writer: another batch would only wait
  } else if (options_.concurrent_batches <= 0) {
    options_.concurrent_batches = kPostgresBatches;
  }
}

absl::Status GroupCommitter::Run(const Write& write) {
  Pending me;
  me.write = &write;
  absl::MutexLock lock(&mu_);
  queue_.push_back(&me);
  if (leaders_ < options_.concurrent_batches) {
    ++leaders_;
    me.lead = true;
  }
  for (;;) {
    mu_.Await(absl::Condition(
        +[](Pending* p) { return p->done || p->lead; }, &me));
    // Chosen to lead, it leads even when another leader already ran its write:
    // the count of leaders stays true.
    if (me.lead) {
      me.lead = false;
      LeadOneBatch();
      continue;
    }
    return me.result;
  }
}

void GroupCommitter::LeadOneBatch() {
  // With one leader at a time the leader is the front of the queue, so its own
  // write is in its batch; with several, another leader may have taken it, or
  // taken everything.
  if (queue_.empty()) {
    --leaders_;
    return;
  }
  const size_t size = std::min(queue_.size(), static_cast<size_t>(options_.max_batch));
  std::vector<Pending*> batch(queue_.begin(), queue_.begin() + size);
  queue_.erase(queue_.begin(), queue_.begin() + size);
  BatchCounts counts;
  mu_.Unlock();
  RunBatch(batch, &counts);
  mu_.Lock();

  stats_.transactions += counts.transactions;
  stats_.commit_failures += counts.commit_failures;
  stats_.retries += counts.retries;
  stats_.write_time += counts.write_time;
  stats_.commit_time += counts.commit_time;
  stats_.largest_batch = std::max<int64_t>(stats_.largest_batch, size);
  // Writes to run again go back to the front, in their order.
  std::vector<Pending*> again;
  for (Pending* p : batch) {
    // A write that gave up a lock (not first of its batch) has not used up an
    // attempt: it runs again, sooner or later first of a batch.
    if (p->retry && (!p->waited || ++p->runs < options_.attempts)) {
      again.push_back(p);
      ++stats_.retries;
    } else {
      p->done = true;
      ++stats_.writes;
    }
  }
  queue_.insert(queue_.begin(), again.begin(), again.end());
  // The lead passes to the first queued write not already chosen (the leader
  // itself again when its write is retried); none left, one leader fewer.
  auto next = std::find_if(queue_.begin(), queue_.end(), [](const Pending* p) { return !p->lead; });
  if (next == queue_.end()) {
    --leaders_;
  } else {
    (*next)->lead = true;
  }
}

void GroupCommitter::RunBatch(std::vector<Pending*> batch, BatchCounts* counts) {
  for (int attempt = 1;; ++attempt) {
    bool committing = false;
    absl::Status status = TryBatch(batch, &committing, counts);
    if (committing) {
      ++counts->transactions;
      if (!status.ok()) ++counts->commit_failures;
    }
    if (status.ok()) return;
    // Nothing of the batch was kept. ABORTED: run it again, after a short,
    // growing pause that lets the transaction we collided with finish, without
    // the writes that have used up their attempts.
    std::vector<Pending*> again;
    for (Pending* p : batch) {
      p->result = status;
      p->retry = false;
      p->waited = true;
      if (absl::IsAborted(status) && ++p->runs < options_.attempts) again.push_back(p);
    }
    if (again.empty()) return;
    ++counts->retries;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
    batch = std::move(again);
  }
}

absl::Status GroupCommitter::TryBatch(const std::vector<Pending*>& batch, bool* committing,
                                      BatchCounts* counts) {
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<Transaction>> begun = db_.Begin(TxMode::kWrite);
  if (!begun.ok()) return begun.status();
  Transaction& tx = **begun;
  if (batch.size() == 1) {
    // Alone, the write needs no savepoint: its error rolls the transaction back
    // as it ends. ABORTED is then the batch's own (retried with a pause).
    Pending* p = batch.front();
    p->retry = false;
    p->waited = true;
    p->result = (*p->write)(tx);
    counts->write_time += absl::Now() - start;
    if (!p->result.ok()) return absl::IsAborted(p->result) ? p->result : absl::OkStatus();
  } else {
    // Only the first write waits for locks held by other transactions; the
    // others give up after a millisecond (PostgreSQL; SQLite has no row locks) and run
    // again in a later batch, first of it if need be. So this transaction
    // waits for a lock only while it holds no lock but the first write's own,
    // and two batches can never wait for each other's writes in a cycle, however
    // their writes are ordered (the outbox's lock, taken by COMMIT, is last).
    const bool postgres = tx.engine() == Engine::kPostgres;
    std::string lock_timeout;
    bool any_kept = false;
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->waited = i == 0 || !postgres;
      if (i == 1 && postgres) {
        CERCLES_ASSIGN_OR_RETURN(lock_timeout, ShortenLockWaits(tx));
      }
      CERCLES_ASSIGN_OR_RETURN(bool kept, RunInSavepoint(tx, i, batch[i]));
      any_kept = any_kept || kept;
    }
    counts->write_time += absl::Now() - start;
    if (!any_kept) return absl::OkStatus();  // every write failed: nothing to commit
    // COMMIT's own work (the outbox's lock) waits as long as the first write may.
    if (postgres) CERCLES_RETURN_IF_ERROR(RestoreLockWaits(tx, lock_timeout));
  }
  const absl::Time committing_at = absl::Now();
  *committing = true;
  absl::Status committed = tx.Commit();
  counts->commit_time += absl::Now() - committing_at;
  return committed;
}

absl::StatusOr<bool> GroupCommitter::RunInSavepoint(Transaction& tx, size_t index, Pending* p) {
  // A savepoint of its own per write, never released: COMMIT releases them all,
  // and a RELEASE per write would cost PostgreSQL a round trip each. Rolling back
  // to the write's own savepoint undoes only the write (later ones do not exist
  // yet) and keeps the transaction usable.
  const std::string name = absl::StrCat(kSavepoint, index);
  CERCLES_RETURN_IF_ERROR(tx.Savepoint(name));
  p->retry = false;
  p->result = (*p->write)(tx);
  if (p->result.ok()) return true;
  p->retry = absl::IsAborted(p->result);
  CERCLES_RETURN_IF_ERROR(tx.RollbackToSavepoint(name));
  return false;
}

GroupCommitter::Stats GroupCommitter::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

size_t GroupCommitter::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

}  // namespace cercles::storage
